using Workflows.Durable;
using Workflows.Server.Webhooks.Store;

namespace Workflows.Server.Webhooks;

/// <summary>The topics a run change (or a change of one of its tasks) is delivered as, and which subscriptions want which.</summary>
internal static class WebhookTopics
{
    public const string Started = "run.started";
    public const string Waiting = "run.waiting";
    public const string Resumed = "run.resumed";
    public const string Completed = "run.completed";
    public const string Failed = "run.failed";
    public const string Cancelled = "run.cancelled";
    public const string TimedOut = "run.timed_out";
    public const string Suspended = "run.suspended";
    public const string Queued = "run.queued";
    public const string TaskCreated = "task.created";
    public const string TaskAssigned = "task.assigned";
    public const string TaskOverdue = "task.overdue";
    public const string TaskCompleted = "task.completed";

    /// <summary>Every topic, in the order a run goes through them, then its tasks'.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Started, Waiting, Suspended, Resumed, Completed, Failed, Cancelled, TimedOut, TaskCreated, TaskAssigned, TaskOverdue, TaskCompleted];

    /// <summary>What a subscription may ask for: a topic, <c>run.*</c>, <c>task.*</c> or <c>*</c>.</summary>
    public static bool IsValidFilter(string filter) => filter is "*" or "run.*" or "task.*" || All.Contains(filter);

    public static string Of(RunChange change) => change.TaskChange switch
    {
        null => OfStatus(change),
        TaskHistoryEntry.Created => TaskCreated,
        TaskHistoryEntry.Overdue => TaskOverdue,
        TaskHistoryEntry.Completed => TaskCompleted,
        _ => TaskAssigned, // claimed, released, delegated, reassigned: who is on it changed
    };

    private static string OfStatus(RunChange change) => change.To switch
    {
        WorkflowRunStatus.Queued => Queued,
        WorkflowRunStatus.Running when change.From is null or WorkflowRunStatus.Queued => Started,
        WorkflowRunStatus.Running => Resumed,
        WorkflowRunStatus.WaitingForInput => Waiting,
        WorkflowRunStatus.Suspended => Suspended,
        WorkflowRunStatus.Completed => Completed,
        WorkflowRunStatus.Failed => Failed,
        WorkflowRunStatus.Cancelled => Cancelled,
        _ => TimedOut,
    };

    public static bool Wants(WebhookSubscription subscription, RunChange change, string topic) =>
        subscription.Enabled
        && subscription.CreatedAt <= change.At
        && (subscription.Workflow is null || subscription.Workflow == change.Workflow)
        && subscription.Events.Any(filter => filter == "*" || filter == topic || (filter.EndsWith(".*", StringComparison.Ordinal) && topic.StartsWith(filter[..^1], StringComparison.Ordinal)));
}
