namespace Workflows.Durable;

/// <summary>Why an event is in a run's journal.</summary>
public enum EventRecordKind
{
    /// <summary>The StartEvent.</summary>
    Start,

    /// <summary>Produced by a step (returned or sent) and routed to steps.</summary>
    Routed,

    /// <summary>Written to the run's stream (WriteToStream, InputRequiredEvents, the StopEvent).</summary>
    Streamed,

    /// <summary>Sent into the run from outside.</summary>
    External,

    /// <summary>Sent by a step with SendAfter/SendAt; routed when due.</summary>
    Timer,

    /// <summary>
    /// An operator's control of the run (suspended, resumed, retried, cancelled): its type is one of
    /// <see cref="RunControlEntry"/>'s names, its payload a <see cref="RunControlEntry"/> as JSON.
    /// </summary>
    Control,

    /// <summary>
    /// The result of a step's <c>ctx.OnceAsync</c>, recorded when the work finished so a re-run of the
    /// step gets it back instead of doing the work again: its type is the key the step gave, its
    /// payload the result as JSON, its producer the step.
    /// </summary>
    Recorded,

    /// <summary>
    /// Never stored: an event a running step wrote with <c>ctx.WriteLive</c>, as
    /// <c>WorkflowRuntime.FollowLiveAsync</c> hands it to followers in the process that ran the step
    /// (its id and sequence are 0).
    /// </summary>
    Live,

    /// <summary>
    /// A change of a task (a question a person answers): its type is one of <see cref="TaskHistoryEntry"/>'s
    /// names, its payload a <see cref="TaskHistoryEntry"/> as JSON.
    /// </summary>
    Task,
}

/// <summary>A stored event: its journal position, its type discriminator and its JSON.</summary>
/// <param name="Id">Its id in the store.</param>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">Its position in the run's journal, from 1, without gaps.</param>
/// <param name="Kind">Why it is there.</param>
/// <param name="Type">The event type's full name (the discriminator).</param>
/// <param name="Payload">The event as JSON.</param>
/// <param name="Producer">The step that produced it, if one did.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record StoredEvent(long Id, string RunId, long Sequence, EventRecordKind Kind, string Type, string Payload, string? Producer, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Where it stands among fan-outs, as recorded with it (<see cref="NewEvent.Lineage"/>): the fan-outs it descends from, innermost last,
    /// each as <c>batch.index.size.step</c> separated by <c>/</c>; <see langword="null"/> outside any fan-out. Returned with claimed deliveries and by reads of a run's events.
    /// </summary>
    public string? Lineage { get; init; }
}

/// <summary>An event to append to a run's journal, and the deliveries it makes.</summary>
/// <param name="Kind">Why it is recorded.</param>
/// <param name="Type">Its type's full name.</param>
/// <param name="Payload">Its JSON.</param>
/// <param name="Producer">The step that produced it, if one did.</param>
/// <param name="Deliveries">The steps it goes to (none for a streamed event).</param>
public sealed record NewEvent(EventRecordKind Kind, string Type, string Payload, string? Producer, IReadOnlyList<NewDelivery> Deliveries)
{
    /// <summary>
    /// Where it stands among fan-outs: which item of which fan-out it descends from, as the engine
    /// writes it (<c>batch.index.size.step</c> frames, outermost first, separated by <c>/</c>);
    /// <see langword="null"/> outside any. A store keeps it as it is and returns it with the event.
    /// </summary>
    public string? Lineage { get; init; }

    /// <summary>For a question (an <see cref="InputRequiredEvent"/>): the task it opens.</summary>
    public NewTask? Question { get; init; }
}

/// <summary>A delivery of an event to a step.</summary>
/// <param name="Step">The step's index.</param>
/// <param name="StepName">The step's name.</param>
/// <param name="Workers">How many deliveries of this step may be claimed at once in one run.</param>
/// <param name="AvailableAt">When it may be claimed (later for timers).</param>
public sealed record NewDelivery(int Step, string StepName, int Workers, DateTimeOffset AvailableAt)
{
    /// <summary>The named queue it goes through (<see cref="StepAttribute.Queue"/>), if any.</summary>
    public string? Queue { get; init; }
}
