namespace Workflows;

/// <summary>
/// A run can make no more progress: no event is waiting, no step is running, nothing can arrive
/// from outside, and no StopEvent was produced (for example a step returned <see langword="null"/>,
/// or <see cref="WorkflowContext.Collect{T}"/> waits for more events than will ever come).
/// </summary>
public sealed class WorkflowStalledException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="runId">The run's id.</param>
    /// <param name="message">What the run was doing when it stalled.</param>
    public WorkflowStalledException(string workflowName, string runId, string message)
        : base(message)
    {
        WorkflowName = workflowName;
        RunId = runId;
    }

    /// <summary>The workflow's name.</summary>
    public string WorkflowName { get; }

    /// <summary>The run's id.</summary>
    public string RunId { get; }
}
