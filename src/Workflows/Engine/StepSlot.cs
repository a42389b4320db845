namespace Workflows.Engine;

/// <summary>
/// A step's concurrency within one run: how many invocations are in flight and the events
/// waiting for a free worker. Owned by the run's loop.
/// </summary>
internal struct StepSlot
{
    public int Active;
    public Queue<WaitingEvent>? Waiting;
}

/// <summary>An event waiting for a free worker, and since when (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
internal readonly record struct WaitingEvent(Event Event, long Since);
