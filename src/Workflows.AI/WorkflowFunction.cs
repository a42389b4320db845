using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using Workflows.Durable;
using Workflows.Infrastructure;

namespace Workflows.AI;

/// <summary>A durable workflow as an <see cref="AIFunction"/>: see <see cref="WorkflowFunctions.AsAIFunction"/>.</summary>
internal sealed class WorkflowFunction<TWorkflow, TStart, TStop>(WorkflowRuntime runtime, JsonSerializerOptions json, string name, string description, TimeSpan waitAtMost) : AIFunction
    where TWorkflow : class, IGeneratedWorkflow, IWorkflow<TStart, TStop>
    where TStart : StartEvent
    where TStop : StopEvent
{
    private readonly JsonTypeInfo<TStart> _start = (JsonTypeInfo<TStart>)json.GetTypeInfo(typeof(TStart));
    private readonly JsonTypeInfo<TStop> _stop = (JsonTypeInfo<TStop>)json.GetTypeInfo(typeof(TStop));
    private readonly HashSet<string> _questions = [.. TWorkflow.Graph.Events.Where(e => e.Kind == EventKind.InputRequired).Select(e => DurableName(e.Type))];

    public override string Name => name;

    public override string Description => description;

    public override JsonElement JsonSchema { get; } = AIJsonUtilities.CreateJsonSchema(typeof(TStart), description, serializerOptions: json);

    public override JsonSerializerOptions JsonSerializerOptions => json;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        TStart start = JsonSerializer.Deserialize(ToolArguments.Write(arguments), _start)
            ?? throw new ArgumentException($"Tool '{name}' needs a {typeof(TStart).Name} as its arguments, not null.", nameof(arguments));
        RunRecord run = await runtime.StartRunAsync<TWorkflow>(start, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(waitAtMost);
        try
        {
            while (true)
            {
                run = await runtime.GetRunAsync(run.RunId, cancellationToken).ConfigureAwait(false) ?? run;
                switch (run.Status)
                {
                    case WorkflowRunStatus.Completed:
                        return JsonSerializer.SerializeToElement(await runtime.WaitForResultAsync<TStop>(run.RunId, cancellationToken).ConfigureAwait(false), _stop);
                    case WorkflowRunStatus.WaitingForInput:
                        return await WaitingAsync(run, cancellationToken).ConfigureAwait(false);
                    case var status when run.IsFinished:
                        throw new InvalidOperationException($"Run '{run.RunId}' of workflow '{run.Workflow}' ended {status}: {run.Error ?? "no error recorded"}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Answer(run, "running", null);
        }
    }

    /// <summary>The run's latest question: what the person it waits for is asked.</summary>
    private async Task<JsonElement> WaitingAsync(RunRecord run, CancellationToken cancellationToken)
    {
        JsonNode? question = null;
        long after = 0;
        IReadOnlyList<StoredEvent> page;
        do
        {
            page = await runtime.ReadEventsAsync(run.RunId, after, 1000, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in page)
            {
                if (stored.Kind == EventRecordKind.Streamed && _questions.Contains(stored.Type))
                {
                    question = new JsonObject { ["type"] = stored.Type[(stored.Type.LastIndexOfAny(['.', '+']) + 1)..], ["event"] = JsonNode.Parse(stored.Payload) };
                }
            }

            after = page.Count > 0 ? page[^1].Sequence : after;
        }
        while (page.Count == 1000);

        return Answer(run, "waitingForInput", question);
    }

    private static JsonElement Answer(RunRecord run, string status, JsonNode? question) =>
        JsonSerializer.SerializeToElement(new JsonObject { ["runId"] = run.RunId, ["status"] = status, ["question"] = question }, AIJson.Default.JsonObject);

    private static string DurableName(Type type) => type.FullName ?? type.Name;
}
