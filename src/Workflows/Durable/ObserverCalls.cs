using Microsoft.Extensions.Logging;
using Workflows.Diagnostics;

namespace Workflows.Durable;

/// <summary>
/// Calls the runtime's <see cref="DurableObserver"/>, each call guarded: an observer that throws is
/// logged and otherwise ignored, so it can never fail a delivery, its commit or a run. Exists only
/// when an observer is set; the runtime holds <see langword="null"/> otherwise and pays nothing.
/// </summary>
internal sealed class ObserverCalls(DurableObserver observer, ILogger logger)
{
    public static ObserverCalls? For(WorkflowRuntimeOptions options, ILogger logger) =>
        options.Observer is { } observer ? new ObserverCalls(observer, logger) : null;

    public void RunStarted(RunRecord run)
    {
        try
        {
            observer.RunStarted(run);
        }
        catch (Exception error)
        {
            Failed(error, nameof(DurableObserver.RunStarted));
        }
    }

    public void EventRouted(RunRecord run, Event ev, string? producer)
    {
        try
        {
            observer.EventRouted(run, ev, producer);
        }
        catch (Exception error)
        {
            Failed(error, nameof(DurableObserver.EventRouted));
        }
    }

    public void EventStreamed(RunRecord run, Event ev)
    {
        try
        {
            observer.EventStreamed(run, ev);
        }
        catch (Exception error)
        {
            Failed(error, nameof(DurableObserver.EventStreamed));
        }
    }

    public object? StepStarting(RunRecord run, StepAttempt attempt)
    {
        try
        {
            return observer.StepStarting(run, attempt);
        }
        catch (Exception error)
        {
            Failed(error, nameof(DurableObserver.StepStarting));
            return null;
        }
    }

    public void StepEnded(RunRecord run, StepAttempt attempt, ExecutionResult result, bool willRetry, object? state)
    {
        try
        {
            switch (result.End)
            {
                case ExecutionEnd.Returned:
                    observer.StepSucceeded(run, attempt, result.Output, state);
                    break;
                case ExecutionEnd.Suspended:
                    observer.StepWaiting(run, attempt, result.WaitingFor!, state);
                    break;
                case ExecutionEnd.Threw:
                    observer.StepFailed(run, attempt, result.Error!, willRetry, state);
                    break;
                default:
                    // A lost lease or a stop: the attempt does not count and runs again; it neither succeeded nor failed.
                    break;
            }
        }
        catch (Exception error)
        {
            Failed(error, result.End switch
            {
                ExecutionEnd.Returned => nameof(DurableObserver.StepSucceeded),
                ExecutionEnd.Suspended => nameof(DurableObserver.StepWaiting),
                _ => nameof(DurableObserver.StepFailed),
            });
        }
    }

    public void RunEnded(RunRecord run, WorkflowRunStatus status, RunFailure? failure)
    {
        try
        {
            observer.RunEnded(run, status, failure);
        }
        catch (Exception error)
        {
            Failed(error, nameof(DurableObserver.RunEnded));
        }
    }

    private void Failed(Exception error, string callback) => DurableLog.ObserverFailed(logger, error, observer.GetType().Name, callback);
}
