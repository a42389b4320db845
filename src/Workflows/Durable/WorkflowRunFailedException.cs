using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>
/// A durable run failed, was cancelled or stalled. The message is what the run recorded; the
/// <see cref="Exception.InnerException"/> is the error as a run in memory would have thrown it: the
/// same type for the engine's own errors (<see cref="WorkflowStalledException"/>,
/// <see cref="OperationCanceledException"/>, <see cref="InvalidOperationException"/> for an event no
/// step takes), and a <see cref="StoredStepException"/> carrying a step's exception type and message.
/// </summary>
public sealed class WorkflowRunFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="run">The run.</param>
    public WorkflowRunFailedException(RunRecord run)
        : base($"Run '{run?.RunId}' of workflow '{run?.Workflow}' ended {run?.Status}: {run?.Error}", RunFailures.Rebuild(run))
    {
        ArgumentNullException.ThrowIfNull(run);
        Run = run;
    }

    /// <summary>The run as stored.</summary>
    public RunRecord Run { get; }
}
