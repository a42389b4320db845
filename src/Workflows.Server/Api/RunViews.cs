using System.Globalization;
using Workflows.Durable;

namespace Workflows.Server.Api;

/// <summary>Turns stored runs, deliveries and journal entries into what the API returns.</summary>
internal static class RunViews
{
    public static RunInfo Info(RunRecord run, WorkflowCatalog catalog) => new(
        run.RunId,
        run.Workflow,
        run.Status,
        run.CreatedAt,
        run.UpdatedAt,
        run.IdempotencyKey,
        run.ResultType,
        run.ResultPayload is { } result ? new RawJson(result) : null,
        run.Error)
    {
        Tags = run.Tags.Count == 0 ? null : run.Tags,
        ParentRunId = run.ParentRunId,
        Version = catalog.VersionOf(run),
        Title = run.Title,
    };

    public static RunDetail Detail(RunRecord run, IReadOnlyList<StepProgress> steps, HumanTask? task, WorkflowCatalog catalog) => new(
        run.RunId,
        run.Workflow,
        run.Status,
        run.CreatedAt,
        run.UpdatedAt,
        run.IdempotencyKey,
        run.ResultType,
        run.ResultPayload is { } result ? new RawJson(result) : null,
        run.Error,
        steps,
        task)
    {
        Tags = run.Tags.Count == 0 ? null : run.Tags,
        ParentRunId = run.ParentRunId,
        Version = catalog.VersionOf(run),
        Title = run.Title,
    };

    public static JournalEntry Entry(StoredEvent stored, RegisteredWorkflow? workflow) => new(
        stored.Sequence,
        Kind(stored.Kind),
        stored.Kind == EventRecordKind.Recorded ? stored.Type : workflow?.FindEvent(stored.Type)?.Name ?? ShortName(stored.Type),
        stored.Type,
        stored.Producer,
        stored.CreatedAt,
        new RawJson(stored.Payload))
    {
        FanOut = stored.Lineage is null ? null : [.. FanOutItem.Of(stored).Select(item => Position(item, workflow))],
    };

    /// <summary>A fan-out as the API shows it: its step by name (by index if the run's version is not registered here).</summary>
    private static FanOutPosition Position(FanOutItem item, RegisteredWorkflow? workflow) => new(
        workflow?.Graph.Steps is { } steps && item.Step < steps.Count ? steps[item.Step].Name : item.Step.ToString(CultureInfo.InvariantCulture),
        item.Index,
        item.Size,
        item.Batch);

    public static string Kind(EventRecordKind kind) => kind switch
    {
        EventRecordKind.Start => "start",
        EventRecordKind.Routed => "routed",
        EventRecordKind.Streamed => "streamed",
        EventRecordKind.External => "external",
        EventRecordKind.Control => "control",
        EventRecordKind.Recorded => "recorded",
        EventRecordKind.Live => "live",
        EventRecordKind.Task => "task",
        _ => "timer",
    };

    /// <summary>
    /// Each step of the workflow and its most telling state in the run: running beats waiting beats
    /// pending beats failed beats done, so a step with one delivery in flight shows as running.
    /// </summary>
    public static IReadOnlyList<StepProgress> Progress(WorkflowGraph graph, IReadOnlyList<DeliveryRecord> deliveries)
    {
        var steps = new List<StepProgress>(graph.Steps.Count);
        foreach (GraphStep step in graph.Steps)
        {
            var mine = deliveries.Where(d => d.StepName == step.Name).ToList();
            string state = mine.Count == 0 ? "idle" : mine.Select(d => d.Status).OrderBy(Rank).First() switch
            {
                DeliveryStatus.Claimed => "running",
                DeliveryStatus.Waiting => "waiting",
                DeliveryStatus.Pending => "pending",
                DeliveryStatus.Failed => "failed",
                DeliveryStatus.Done => "done",
                _ => "cancelled",
            };
            steps.Add(new StepProgress(step.Name, state, mine.Count, mine.Sum(d => d.Attempt), mine.LastOrDefault(d => d.Error is not null)?.Error));
        }

        return steps;
    }

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Claimed => 0,
        DeliveryStatus.Waiting => 1,
        DeliveryStatus.Pending => 2,
        DeliveryStatus.Failed => 3,
        DeliveryStatus.Done => 4,
        _ => 5,
    };

    private static string ShortName(string type) => type[(type.LastIndexOfAny(['.', '+']) + 1)..];
}
