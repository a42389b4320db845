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
    public static Exception? Rebuild(RunRecord? run)
    {
        if (run?.Failure is not { } failure)
        {
            return null;
        }

        if (failure.Step is not null)
        {
            return new StoredStepException(failure.ExceptionType, failure.Message);
        }

        return failure.ExceptionType switch
        {
            "Workflows.WorkflowStalledException" => new WorkflowStalledException(run.Workflow, run.RunId, failure.Message),
            "Workflows.WorkflowTimeoutException" => new WorkflowTimeoutException(run.Workflow, run.RunId, run.TimeLimit ?? TimeSpan.Zero),
            "System.OperationCanceledException" => new OperationCanceledException(failure.Message),
            "System.InvalidOperationException" => new InvalidOperationException(failure.Message),
            _ => new StoredStepException(failure.ExceptionType, failure.Message),
        };
    }
}
