using Workflows.Durable;

namespace Workflows.Server.Api;

/// <summary>
/// What a waiting run asks of a person: the question it streamed (its latest InputRequiredEvent) and
/// the answers it takes — the type its waiting step waits for, or else the human responses its steps take.
/// </summary>
internal sealed class HumanTasks(WorkflowRuntime runtime, WorkflowCatalog catalog)
{
    public async Task<HumanTask?> ForAsync(RunRecord run, IReadOnlyList<DeliveryRecord> deliveries, CancellationToken cancellationToken)
    {
        if (run.Status != WorkflowRunStatus.WaitingForInput)
        {
            return null;
        }

        if (!catalog.TryGetFor(run, out RegisteredWorkflow workflow, out WorkflowInfo info))
        {
            return new HumanTask(run.RunId, run.Workflow, null, null, [], run.UpdatedAt);
        }

        DeliveryRecord? waiting = deliveries.FirstOrDefault(d => d.Status == DeliveryStatus.Waiting);
        IReadOnlyList<EventInfo> responses = waiting?.WaitingFor is { } type
            ? [.. info.InputEvents.Where(e => e.Type == type)]
            : [.. info.InputEvents.Where(e => workflow.Graph.Steps.Any(s => s.Accepts.Type.FullName == e.Type))];
        StoredEvent? prompt = await LatestPromptAsync(run.RunId, workflow, waiting?.StepName, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return new HumanTask(run.RunId, run.Workflow, waiting?.StepName, prompt is null ? null : RunViews.Entry(prompt, workflow), responses, run.UpdatedAt);
    }

    public async Task<HumanTask?> ForAsync(RunRecord run, CancellationToken cancellationToken) =>
        run.Status == WorkflowRunStatus.WaitingForInput
            ? await ForAsync(run, await runtime.Store.ReadDeliveriesAsync(run.RunId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>What a run asked when it started waiting (<paramref name="change"/>), however long ago: its latest question up to then.</summary>
    public async Task<HumanTask?> AtAsync(RunChange change, CancellationToken cancellationToken)
    {
        // The version the run goes on under (an older one may still be finishing its runs) names its events.
        if (change.To != WorkflowRunStatus.WaitingForInput
            || await runtime.GetRunAsync(change.RunId, cancellationToken).ConfigureAwait(false) is not { } run
            || !catalog.TryGetFor(run, out RegisteredWorkflow workflow, out WorkflowInfo info))
        {
            return null;
        }

        StoredEvent? prompt = await LatestPromptAsync(change.RunId, workflow, null, change.Sequence, cancellationToken).ConfigureAwait(false);
        return new HumanTask(change.RunId, change.Workflow, prompt?.Producer, prompt is null ? null : RunViews.Entry(prompt, workflow), info.InputEvents, change.At);
    }

    private async Task<StoredEvent?> LatestPromptAsync(string runId, RegisteredWorkflow workflow, string? step, long upTo, CancellationToken cancellationToken)
    {
        StoredEvent? latest = null;
        await foreach (StoredEvent stored in runtime.ReadAllEventsAsync(runId, 0, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Sequence > upTo)
            {
                break;
            }

            if (stored.Kind == EventRecordKind.Streamed
                && workflow.FindEvent(stored.Type)?.Kind == EventKind.InputRequired
                && (step is null || stored.Producer == step))
            {
                latest = stored;
            }
        }

        return latest;
    }
}
