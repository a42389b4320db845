using Workflows.Durable;

namespace Workflows.Rules;

/// <summary>
/// The error a durable run ended with, rebuilt as the in-memory host would have thrown it: an
/// exception does not survive storage, so its type's name and message are kept, and the engine's own
/// exception types are made again from them.
/// </summary>
internal static class RunFailures
{
    /// <summary>The exception of a run that did not complete, or <see langword="null"/> when nothing was recorded.</summary>
    public static Exception? Rebuild(RunRecord? run) =>
        run?.Failure is { } failure ? Rebuild(failure, run.Workflow, run.RunId, run.TimeLimit ?? TimeSpan.Zero) : null;

    /// <summary>The exception a child run ended with, as its parent's step sees it (in memory, the child's own exception).</summary>
    public static Exception Rebuild(ChildRunEnded ended) => ended.Status switch
    {
        WorkflowRunStatus.TimedOut => new WorkflowTimeoutException(ended.Workflow, ended.RunId, TimeSpan.FromMilliseconds(ended.TimeLimitMilliseconds ?? 0)),
        WorkflowRunStatus.Cancelled => new OperationCanceledException(ended.Failure?.Message ?? RunMessages.Cancelled(ended.RunId, ended.Workflow)),
        _ => ended.Failure is { } failure
            ? Rebuild(failure, ended.Workflow, ended.RunId, TimeSpan.Zero)
            : new InvalidOperationException($"Run '{ended.RunId}' of workflow '{ended.Workflow}' ended {ended.Status}."),
    };

    private static Exception Rebuild(RunFailure failure, string workflow, string runId, TimeSpan timeLimit)
    {
        if (failure.Step is not null)
        {
            return new StoredStepException(failure.ExceptionType, failure.Message);
        }

        return failure.ExceptionType switch
        {
            "Workflows.WorkflowStalledException" => new WorkflowStalledException(workflow, runId, failure.Message),
            "Workflows.WorkflowTimeoutException" => new WorkflowTimeoutException(workflow, runId, timeLimit),
            "System.OperationCanceledException" => new OperationCanceledException(failure.Message),
            "System.InvalidOperationException" => new InvalidOperationException(failure.Message),
            _ => new StoredStepException(failure.ExceptionType, failure.Message),
        };
    }
}
