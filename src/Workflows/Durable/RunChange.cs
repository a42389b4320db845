namespace Workflows.Durable;

/// <summary>
/// A change of a run's status (or of one of its tasks), recorded in the transaction that made it while the store's run-change
/// feed is on (<see cref="IWorkflowStore.SetRunChangeFeedAsync"/>), so that a module publishing
/// changes (webhooks, say) loses none to a crash.
/// </summary>
/// <param name="Id">Its position in the change feed.</param>
/// <param name="RunId">The run.</param>
/// <param name="Workflow">The run's workflow.</param>
/// <param name="From">The status before, or <see langword="null"/> when the run was just started.</param>
/// <param name="To">The status after.</param>
/// <param name="At">When it changed.</param>
/// <param name="Sequence">The run's last journal position at the change: what the run had recorded by then.</param>
public sealed record RunChange(long Id, string RunId, string Workflow, WorkflowRunStatus? From, WorkflowRunStatus To, DateTimeOffset At, long Sequence)
{
    /// <summary>For a change of one of the run's tasks rather than of its status (<see cref="From"/> and <see cref="To"/> are then both its status): the task.</summary>
    public long? TaskId { get; init; }

    /// <summary>For a change of a task: what happened to it, one of <see cref="TaskHistoryEntry"/>'s names (<c>$task-created</c>, …).</summary>
    public string? TaskChange { get; init; }
}
