using Workflows.Durable;

namespace Workflows.Diagnostics;

/// <summary>
/// Sees durable runs as a <see cref="WorkflowObserver"/> sees runs in memory: a run starting and
/// ending, every event routed or streamed, every step attempt. Set one with
/// <see cref="WorkflowRuntimeOptions.Observer"/>. Override what you need; every method does nothing by default.
/// </summary>
/// <remarks>
/// <para>
/// Each process sees what happens in it: the runs it starts, the steps its workers run, the events
/// and run ends its commits record, the runs it cancels or finds past their deadline. A run that
/// moves between processes is seen by each in turn. Events and run ends are reported once recorded;
/// step attempts as they run, on the step's own async flow (so an <see cref="System.Diagnostics.Activity"/>
/// made current in <see cref="StepStarting"/> is current in the step). Because an event is reported
/// after its commit, a step it reaches may already be starting on another of the worker's slots (or
/// another process) when <see cref="EventRouted"/> is called — and a run's first step may be starting
/// when <see cref="RunStarted"/> is: order by the run's journal where order matters.
/// </para>
/// <para>
/// Callbacks run synchronously on the runtime's threads: keep them short. One that throws is logged
/// (event 130) and the run goes on as if it had returned.
/// </para>
/// </remarks>
public abstract class DurableObserver
{
    /// <summary>This process started the run (its StartEvent is recorded and routed).</summary>
    /// <param name="run">The run as stored.</param>
    public virtual void RunStarted(RunRecord run)
    {
    }

    /// <summary>An event was recorded for the steps that accept it.</summary>
    /// <param name="run">The run, as its delivery was claimed (or as it was read, for an event from outside).</param>
    /// <param name="ev">The event.</param>
    /// <param name="producer">The step that produced it, or <see langword="null"/> when it came from outside (the StartEvent included).</param>
    public virtual void EventRouted(RunRecord run, Event ev, string? producer)
    {
    }

    /// <summary>An event was recorded in the run's stream (WriteToStream, an InputRequiredEvent, the StopEvent).</summary>
    /// <param name="run">The run, as its delivery was claimed.</param>
    /// <param name="ev">The event.</param>
    public virtual void EventStreamed(RunRecord run, Event ev)
    {
    }

    /// <summary>A step attempt is starting, on the attempt's own async flow.</summary>
    /// <param name="run">The run, as its delivery was claimed.</param>
    /// <param name="attempt">The attempt (its queue wait is the time from the delivery falling due to its claim).</param>
    /// <returns>Any state to get back in <see cref="StepSucceeded"/>, <see cref="StepFailed"/> or <see cref="StepWaiting"/>.</returns>
    public virtual object? StepStarting(RunRecord run, StepAttempt attempt) => null;

    /// <summary>A step attempt returned (what it did is committed next).</summary>
    /// <param name="run">The run, as its delivery was claimed.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="output">What it returned, or <see langword="null"/>.</param>
    /// <param name="state">What <see cref="StepStarting"/> returned.</param>
    public virtual void StepSucceeded(RunRecord run, StepAttempt attempt, Event? output, object? state)
    {
    }

    /// <summary>A step attempt failed: it threw or timed out. (An attempt whose event cannot be read never starts, and one that returned what cannot be stored fails at its commit; the log, the spans and the run's journal say so.)</summary>
    /// <param name="run">The run, as its delivery was claimed.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="error">The exception.</param>
    /// <param name="willRetry">Whether another attempt follows.</param>
    /// <param name="state">What <see cref="StepStarting"/> returned.</param>
    public virtual void StepFailed(RunRecord run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
    }

    /// <summary>
    /// A step attempt stopped to wait for what it does not have yet (an answer, a child run); the step
    /// runs again from the top when that arrives. Durable runs only: in memory such a step simply awaits.
    /// </summary>
    /// <param name="run">The run, as its delivery was claimed.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="waitingFor">What it waits for: the answer's event type, or the child run.</param>
    /// <param name="state">What <see cref="StepStarting"/> returned.</param>
    public virtual void StepWaiting(RunRecord run, StepAttempt attempt, string waitingFor, object? state)
    {
    }

    /// <summary>The run ended, as recorded by this process.</summary>
    /// <param name="run">The run (its status may still read as before the end).</param>
    /// <param name="status">How it ended.</param>
    /// <param name="failure">Why, when it did not complete.</param>
    public virtual void RunEnded(RunRecord run, WorkflowRunStatus status, RunFailure? failure)
    {
    }
}
