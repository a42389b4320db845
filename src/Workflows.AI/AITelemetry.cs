using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Workflows.AI;

/// <summary>
/// Model usage in the "Workflows" meter, under the OpenTelemetry GenAI conventions' names, and on the
/// step's span. Counted when a call is made, never when a durable re-run gets a recorded call back.
/// </summary>
internal static class AITelemetry
{
    private static readonly Meter Meter = new("Workflows", typeof(AITelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Tokens used by model calls of workflow steps, by gen_ai.token.type (input, output).");
    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>("workflows.ai.cost", "{currency}", "Estimated cost of model calls of workflow steps, from ModelCallOptions.Prices.");
    internal static readonly Counter<long> Repairs = Meter.CreateCounter<long>("workflows.ai.repairs", "{request}", "Model answers sent back because they did not parse or validate.");

    public static void Record(ModelUsage usage)
    {
        var model = new KeyValuePair<string, object?>("gen_ai.response.model", usage.ModelId);
        TokenUsage.Record(usage.InputTokens, model, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
        TokenUsage.Record(usage.OutputTokens, model, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
        if (usage.EstimatedCost is { } cost)
        {
            Cost.Add((double)cost, model);
        }

        if (Activity.Current is { } span)
        {
            span.SetTag("gen_ai.response.model", usage.ModelId);
            span.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
            span.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
        }
    }
}
