using System.Text.Json;
using Workflows.Durable;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary>
/// What a run asks of a person, as the API shows it: its task (who may answer, who is on it, by when),
/// the question it streamed, and the answers it takes — the type its waiting step waits for, or else
/// the human responses its steps take. A run waiting on a question asked before the store kept tasks
/// shows the question without a task.
/// </summary>
internal sealed class HumanTasks(WorkflowRuntime runtime, WorkflowCatalog catalog, TimeProvider time)
{
    /// <summary>A task record as the API shows it, with what <paramref name="caller"/> may do to it.</summary>
    public async Task<HumanTask> FromRecordAsync(HumanTaskRecord task, CallerIdentity? caller, bool withHistory, CancellationToken cancellationToken)
    {
        RunRecord? run = await runtime.GetRunAsync(task.RunId, cancellationToken).ConfigureAwait(false);
        RegisteredWorkflow? workflow = null;
        IReadOnlyList<EventInfo> responses = [];
        if (run is not null && catalog.TryGetFor(run, out RegisteredWorkflow found, out WorkflowInfo info))
        {
            workflow = found;
            DeliveryRecord? waiting = task.Status == HumanTaskStatus.Open
                ? (await runtime.Store.ReadDeliveriesAsync(run.RunId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == task.DeliveryId && d.Status == DeliveryStatus.Waiting)
                : null;
            responses = Responses(waiting, found, info);
        }

        IReadOnlyList<StoredEvent> prompt = await runtime.Store.ReadEventsAsync(task.RunId, task.PromptSequence - 1, 1, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<JournalEntry>? history = withHistory ? await HistoryAsync(task, workflow, cancellationToken).ConfigureAwait(false) : null;
        return View(task, prompt.Count == 1 ? RunViews.Entry(prompt[0], workflow) : null, responses, caller) with { History = history };
    }

    /// <summary>What a run in <see cref="WorkflowRunStatus.WaitingForInput"/> asks: its oldest open task, or the question it streamed.</summary>
    public async Task<HumanTask?> ForAsync(RunRecord run, IReadOnlyList<DeliveryRecord> deliveries, CancellationToken cancellationToken)
    {
        if (run.Status != WorkflowRunStatus.WaitingForInput)
        {
            return null;
        }

        HumanTaskPage open = await runtime.Tasks.ListAsync(new HumanTaskQuery(Limit: 1) { RunId = run.RunId, Sort = HumanTaskSort.Oldest }, cancellationToken).ConfigureAwait(false);
        if (open.Tasks.Count == 1)
        {
            return await FromRecordAsync(open.Tasks[0], null, withHistory: false, cancellationToken).ConfigureAwait(false);
        }

        if (!catalog.TryGetFor(run, out RegisteredWorkflow workflow, out WorkflowInfo info))
        {
            return new HumanTask(run.RunId, run.Workflow, null, null, [], run.UpdatedAt);
        }

        DeliveryRecord? waiting = deliveries.FirstOrDefault(d => d.Status == DeliveryStatus.Waiting);
        StoredEvent? prompt = await LatestPromptAsync(run.RunId, workflow, waiting?.StepName, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return new HumanTask(run.RunId, run.Workflow, waiting?.StepName, prompt is null ? null : RunViews.Entry(prompt, workflow), Responses(waiting, workflow, info), run.UpdatedAt);
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
        HumanTaskPage asked = await runtime.Tasks.ListAsync(new HumanTaskQuery(Status: null, Limit: 1) { RunId = run.RunId, Sort = HumanTaskSort.Newest }, cancellationToken).ConfigureAwait(false);
        HumanTask view = new(change.RunId, change.Workflow, prompt?.Producer, prompt is null ? null : RunViews.Entry(prompt, workflow), info.InputEvents, change.At);
        return asked.Tasks.Count == 1 && prompt is not null && asked.Tasks[0].PromptSequence == prompt.Sequence
            ? View(asked.Tasks[0], view.Prompt, view.Responses, null) with { WaitingSince = change.At }
            : view;
    }

    /// <summary>The person (or service) a caller acts as on tasks: an API key is a service; operate lets a person manage others' tasks.</summary>
    public static TaskActor Actor(CallerIdentity caller) => new(caller.IsKey ? caller.Actor : caller.Id, caller.Roles)
    {
        MayManage = caller.Permissions.Contains(WorkflowPermission.Operate),
        IsService = caller.IsKey,
    };

    private HumanTask View(HumanTaskRecord task, JournalEntry? prompt, IReadOnlyList<EventInfo> responses, CallerIdentity? caller) =>
        new(task.RunId, task.Workflow, task.Step, prompt, responses, task.CreatedAt)
        {
            TaskId = task.TaskId,
            Title = task.Title,
            Status = JsonNamingPolicy.CamelCase.ConvertName(task.Status.ToString()),
            Users = task.Users,
            Roles = task.Roles,
            Priority = task.Priority,
            DueAt = task.DueAt,
            Overdue = task.IsOverdue(time.GetUtcNow()),
            ClaimedBy = task.ClaimedBy,
            CompletedBy = task.CompletedBy,
            ClosedAt = task.ClosedAt,
            Allowed = caller is null ? null : Allowed(task, caller),
        };

    private static List<string> Allowed(HumanTaskRecord task, CallerIdentity caller)
    {
        var allowed = new List<string>();
        TaskActor actor = Actor(caller);
        foreach ((TaskAction action, WorkflowPermission permission, string name) in s_actions)
        {
            if (caller.Permissions.Contains(permission) && task.Refusal(actor, action) is null)
            {
                allowed.Add(name);
            }
        }

        return allowed;
    }

    private static readonly (TaskAction, WorkflowPermission, string)[] s_actions =
    [
        (TaskAction.Answer, WorkflowPermission.Answer, "answer"),
        (TaskAction.Claim, WorkflowPermission.Answer, "claim"),
        (TaskAction.Release, WorkflowPermission.Answer, "release"),
        (TaskAction.Delegate, WorkflowPermission.Answer, "delegate"),
        (TaskAction.Reassign, WorkflowPermission.Operate, "reassign"),
    ];

    private static IReadOnlyList<EventInfo> Responses(DeliveryRecord? waiting, RegisteredWorkflow workflow, WorkflowInfo info) =>
        waiting?.WaitingFor is { } type
            ? [.. info.InputEvents.Where(e => e.Type == type)]
            : [.. info.InputEvents.Where(e => workflow.Graph.Steps.Any(s => s.Accepts.Type.FullName == e.Type))];

    /// <summary>The task's entries in its run's journal, oldest first.</summary>
    private async Task<IReadOnlyList<JournalEntry>> HistoryAsync(HumanTaskRecord task, RegisteredWorkflow? workflow, CancellationToken cancellationToken)
    {
        var history = new List<JournalEntry>();
        await foreach (StoredEvent stored in runtime.ReadAllEventsAsync(task.RunId, task.PromptSequence, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Kind == EventRecordKind.Task && TaskIdOf(stored.Payload) == task.TaskId)
            {
                history.Add(RunViews.Entry(stored, workflow));
            }
        }

        return history;
    }

    private static long? TaskIdOf(string payload)
    {
        using JsonDocument entry = JsonDocument.Parse(payload);
        return entry.RootElement.TryGetProperty("taskId", out JsonElement id) && id.TryGetInt64(out long value) ? value : null;
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
