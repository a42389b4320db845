namespace Workflows;

/// <summary>Where a run stands.</summary>
public enum WorkflowRunStatus
{
    /// <summary>Steps are running or events are waiting to be routed (or the run waits for a human).</summary>
    Running,

    /// <summary>A step produced the StopEvent; the handler's result is set.</summary>
    Completed,

    /// <summary>A step failed after its last attempt, or the run stalled; the handler rethrows the error.</summary>
    Failed,

    /// <summary>The run was cancelled by <see cref="WorkflowHandler.Cancel"/> or the caller's token.</summary>
    Cancelled,

    /// <summary>The run's <see cref="RunOptions.Timeout"/> passed.</summary>
    TimedOut,

    /// <summary>A durable run with nothing to do until a human answers (an InputRequiredEvent is pending).</summary>
    WaitingForInput,

    /// <summary>
    /// A durable run an operator suspended (<c>WorkflowRuntime.SuspendAsync</c>): no delivery of it is
    /// claimed, steps already running finish, answers sent to it are kept, and timers and its deadline
    /// come due only after <c>ResumeAsync</c>.
    /// </summary>
    Suspended,

    /// <summary>
    /// A durable run waiting for a slot: its workflow is at its limit of runs in progress
    /// (<c>WorkflowRuntimeOptions.MaxConcurrentRuns</c>). It starts, in priority then creation
    /// order, when a run of the workflow ends.
    /// </summary>
    Queued,
}
