using System.Text.Json;
using Workflows.AI;
using Workflows.Durable;

namespace Workflows.Server.Api;

/// <summary>
/// A run's model usage, added up from the <see cref="ModelUsage"/> events its steps streamed — for
/// workflows whose steps call models (their graph streams the type); others cost no read.
/// </summary>
internal static class ModelUsageReader
{
    private static readonly string UsageType = typeof(ModelUsage).FullName!;

    public static async Task<ModelUsageTotals?> TotalsAsync(WorkflowRuntime runtime, RunRecord run, RegisteredWorkflow? workflow, CancellationToken cancellationToken)
    {
        if (workflow is null || !workflow.StreamedTypes.Contains(typeof(ModelUsage)))
        {
            return null;
        }

        var calls = new List<ModelUsage>();
        await foreach (StoredEvent stored in runtime.ReadAllEventsAsync(run.RunId, 0, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Kind == EventRecordKind.Streamed && stored.Type == UsageType)
            {
                calls.Add(Read(stored.Payload));
            }
        }

        return ModelUsageTotals.Of(calls);
    }

    /// <summary>The workflow's own JSON wrote it, in whatever casing its context uses: read the members by name, ignoring case.</summary>
    private static ModelUsage Read(string payload)
    {
        using JsonDocument document = JsonDocument.Parse(payload);
        string? key = null, model = null;
        long input = 0, output = 0, total = 0;
        int requests = 0;
        decimal? cost = null;
        foreach (JsonProperty member in document.RootElement.EnumerateObject())
        {
            switch (member.Name.ToUpperInvariant())
            {
                case "KEY": key = member.Value.GetString(); break;
                case "MODELID": model = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null; break;
                case "INPUTTOKENS": input = member.Value.GetInt64(); break;
                case "OUTPUTTOKENS": output = member.Value.GetInt64(); break;
                case "TOTALTOKENS": total = member.Value.GetInt64(); break;
                case "REQUESTS": requests = member.Value.GetInt32(); break;
                case "ESTIMATEDCOST": cost = member.Value.ValueKind == JsonValueKind.Number ? member.Value.GetDecimal() : null; break;
            }
        }

        return new ModelUsage(key ?? string.Empty, model, input, output, total, requests, cost);
    }
}
