namespace Workflows;

/// <summary>A run did not finish within its <see cref="RunOptions.Timeout"/>.</summary>
public sealed class WorkflowTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a run that timed out.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="runId">The run's id.</param>
    /// <param name="timeout">The limit that passed.</param>
    public WorkflowTimeoutException(string workflowName, string runId, TimeSpan timeout)
        : base(Rules.RunMessages.TimedOut(runId, workflowName, timeout))
    {
        WorkflowName = workflowName;
        RunId = runId;
        Timeout = timeout;
    }

    /// <summary>The workflow's name.</summary>
    public string WorkflowName { get; }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The limit that passed.</summary>
    public TimeSpan Timeout { get; }
}
