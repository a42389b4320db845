using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.Extensions.AI;
using Workflows.Durable;

namespace Workflows.AI;

/// <summary>A registered durable workflow as an <see cref="AIFunction"/>: see <see cref="WorkflowFunctions"/>.</summary>
internal sealed class WorkflowFunction : AIFunction
{
    private static readonly JsonSchemaExporterOptions SchemaOptions = new() { TreatNullObliviousAsNonNullable = true };
    private readonly WorkflowRuntime _runtime;
    private readonly RegisteredWorkflow _workflow;
    private readonly TimeSpan _waitAtMost;
    private readonly Type _start;

    public WorkflowFunction(WorkflowRuntime runtime, RegisteredWorkflow workflow, string name, string description, TimeSpan waitAtMost)
    {
        _runtime = runtime;
        _workflow = workflow;
        _waitAtMost = waitAtMost;
        _start = workflow.Graph.StartEvent.Type;
        Name = name;
        Description = description;
        JsonSchema = JsonSerializer.SerializeToElement(workflow.GetJsonTypeInfo(_start).GetJsonSchemaAsNode(SchemaOptions), AIJson.Default.JsonNode);
    }

    public override string Name { get; }

    public override string Description { get; }

    public override JsonElement JsonSchema { get; }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        StartEvent start;
        try
        {
            start = (StartEvent)_workflow.ReadEvent(_start, System.Text.Encoding.UTF8.GetBytes(ToolArguments.Write(arguments)));
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"Tool '{Name}' takes a {_workflow.Graph.StartEvent.Name} as its arguments: {error.Message}", nameof(arguments), error);
        }

        (RunRecord run, _) = await _runtime.StartRunAsync(_workflow.Name, start, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_waitAtMost);
        try
        {
            while (true)
            {
                run = await _runtime.GetRunAsync(run.RunId, cancellationToken).ConfigureAwait(false) ?? run;
                switch (run.Status)
                {
                    case WorkflowRunStatus.Completed:
                        return JsonDocument.Parse(run.ResultPayload ?? "null").RootElement.Clone();
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
        await foreach (StoredEvent stored in _runtime.ReadAllEventsAsync(run.RunId, 0, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Kind == EventRecordKind.Streamed && _workflow.FindEvent(stored.Type) is { Kind: EventKind.InputRequired } asked)
            {
                question = new JsonObject { ["type"] = asked.Name, ["event"] = JsonNode.Parse(stored.Payload) };
            }
        }

        return Answer(run, "waitingForInput", question);
    }

    private static JsonElement Answer(RunRecord run, string status, JsonNode? question) =>
        JsonSerializer.SerializeToElement(new JsonObject { ["runId"] = run.RunId, ["status"] = status, ["question"] = question }, AIJson.Default.JsonObject);
}
