namespace Workflows.Diagnostics;

/// <summary>
/// Sees a run's lifecycle as it happens: the run starting and ending, every event routed or
/// streamed, every step attempt. Set one with <see cref="RunOptions.Observer"/>; logging, tracing
/// and the test kit are observers. Override what you need; every method does nothing by default.
/// </summary>
/// <remarks>
/// Callbacks run on the run's own threads, synchronously: keep them short and never throw. A run
/// with no observer and no telemetry listener pays nothing for this hook.
/// </remarks>
public abstract class WorkflowObserver
{
    /// <summary>The run has started (before its StartEvent is routed).</summary>
    /// <param name="run">The run.</param>
    public virtual void RunStarted(WorkflowHandler run)
    {
    }

    /// <summary>An event is about to be routed to the steps that accept it (the StartEvent included).</summary>
    /// <param name="run">The run.</param>
    /// <param name="ev">The event.</param>
    /// <param name="producer">The step that produced it, or <see langword="null"/> when it came from outside.</param>
    public virtual void EventRouted(WorkflowHandler run, Event ev, string? producer)
    {
    }

    /// <summary>An event went to the run's stream (WriteToStream, an InputRequiredEvent, the StopEvent).</summary>
    /// <param name="run">The run.</param>
    /// <param name="ev">The event.</param>
    public virtual void EventStreamed(WorkflowHandler run, Event ev)
    {
    }

    /// <summary>A step attempt is starting. Runs on the attempt's own async flow, so what it makes
    /// current (an <see cref="System.Diagnostics.Activity"/>) is current in the step.</summary>
    /// <param name="run">The run.</param>
    /// <param name="attempt">The attempt.</param>
    /// <returns>Any state to get back in <see cref="StepSucceeded"/> or <see cref="StepFailed"/>.</returns>
    public virtual object? StepStarting(WorkflowHandler run, StepAttempt attempt) => null;

    /// <summary>A step attempt returned.</summary>
    /// <param name="run">The run.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="output">What it produced, or <see langword="null"/>.</param>
    /// <param name="state">What <see cref="StepStarting"/> returned.</param>
    public virtual void StepSucceeded(WorkflowHandler run, StepAttempt attempt, Event? output, object? state)
    {
    }

    /// <summary>A step attempt threw (or timed out).</summary>
    /// <param name="run">The run.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="error">The exception.</param>
    /// <param name="willRetry">Whether another attempt follows.</param>
    /// <param name="state">What <see cref="StepStarting"/> returned.</param>
    public virtual void StepFailed(WorkflowHandler run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
    }

    /// <summary>The run has ended.</summary>
    /// <param name="run">The run.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="error">Its error, cancellation or timeout; <see langword="null"/> when it completed.</param>
    public virtual void RunEnded(WorkflowHandler run, WorkflowRunStatus status, Exception? error)
    {
    }
}
