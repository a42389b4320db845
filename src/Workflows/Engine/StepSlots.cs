namespace Workflows.Engine;

/// <summary>
/// Each step's concurrency within one run: how many invocations are in flight, and the events
/// waiting for a free worker. Owned by the run's loop; the array is made when the first invocation
/// goes asynchronous.
/// </summary>
internal struct StepSlots
{
    private Slot[]? _slots;

    /// <summary>Invocations in flight, all steps together.</summary>
    public int InFlight { get; private set; }

    /// <summary>Whether step <paramref name="step"/> has all its workers busy.</summary>
    public readonly bool IsFull(int step, int workers) => _slots is { } slots && slots[step].Active >= workers;

    /// <summary>Holds <paramref name="ev"/> until a worker of <paramref name="step"/> is free.</summary>
    public readonly void Wait(int step, Event ev, Rules.Lineage? lineage, long since) =>
        (_slots![step].Waiting ??= new Queue<WaitingEvent>()).Enqueue(new WaitingEvent(Branched.Of(ev, lineage)!, since));

    /// <summary>An invocation of <paramref name="step"/> went asynchronous.</summary>
    public void Begin(int step, int stepCount)
    {
        InFlight++;
        (_slots ??= new Slot[stepCount])[step].Active++;
    }

    /// <summary>An asynchronous invocation of <paramref name="step"/> finished.</summary>
    public void End(int step)
    {
        InFlight--;
        _slots![step].Active--;
    }

    /// <summary>The next event waiting for <paramref name="step"/>, if one is and a worker is free.</summary>
    public readonly bool TryTakeWaiting(int step, int workers, out WaitingEvent next)
    {
        ref Slot slot = ref _slots![step];
        if (slot.Waiting is { Count: > 0 } waiting && slot.Active < workers)
        {
            next = waiting.Dequeue();
            return true;
        }

        next = default;
        return false;
    }

    private struct Slot
    {
        public int Active;
        public Queue<WaitingEvent>? Waiting;
    }
}

/// <summary>An event waiting for a free worker, and since when (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
internal readonly record struct WaitingEvent(object Item, long Since)
{
    public Event Event => Branched.EventOf(Item)!;

    public Rules.Lineage? Lineage => Branched.LineageOf(Item);
}
