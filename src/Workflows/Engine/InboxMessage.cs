using Workflows.Rules;

namespace Workflows.Engine;

/// <summary>What reaches a run's loop from other threads through its inbox channel.</summary>
internal enum InboxKind
{
    /// <summary>An asynchronous step invocation finished; <see cref="InboxMessage.Payload"/> is its event or null.</summary>
    StepCompleted,

    /// <summary>A step invocation failed after its last attempt; the payload is a <see cref="StepFailure"/>.</summary>
    StepFailed,

    /// <summary>An event to route: sent with <c>ctx.Send</c> off the loop, or from outside.</summary>
    Routed,

    /// <summary>Nothing to do but look again: cancellation or timeout was requested.</summary>
    Wake,

    /// <summary>
    /// An event to route that took room in the inbox (sent from outside, or with <c>ctx.Send</c> off
    /// the loop): taking it gives the room back.
    /// </summary>
    Sent,
}

/// <summary>
/// One message of a run's inbox: 16 bytes, no boxing. An event inside a fan-out travels with its
/// lineage as a <see cref="Branched"/> payload, so runs without fan-outs pay nothing for it.
/// </summary>
internal readonly struct InboxMessage
{
    private InboxMessage(InboxKind kind, int step, object? payload)
    {
        Kind = kind;
        Step = step;
        Payload = payload;
    }

    public InboxKind Kind { get; }

    /// <summary>The step concerned, or a <see cref="Producer"/> value for routed events.</summary>
    public int Step { get; }

    public object? Payload { get; }

    /// <summary>The event to route, or the step's output (null when it produced nothing).</summary>
    public Event? Event => Branched.EventOf(Payload);

    /// <summary>Where <see cref="Event"/> stands among fan-outs (for a completed step: its input's); null outside any.</summary>
    public Lineage? Lineage => Branched.LineageOf(Payload);

    public static InboxMessage Completed(int step, Event? output, Lineage? lineage) => new(InboxKind.StepCompleted, step, Branched.Of(output, lineage));

    public static InboxMessage Failed(int step, StepFailure failure) => new(InboxKind.StepFailed, step, failure);

    public static InboxMessage Routed(Event ev, int producer, Lineage? lineage) => new(InboxKind.Routed, producer, Branched.Of(ev, lineage));

    public static InboxMessage Wake() => new(InboxKind.Wake, 0, null);

    public static InboxMessage Sent(Event ev, int producer, Lineage? lineage) => new(InboxKind.Sent, producer, Branched.Of(ev, lineage));
}

/// <summary>A step's final failure: what it was handling, its last error, how many attempts it made, and its input's lineage.</summary>
internal sealed record StepFailure(Event Event, Exception Error, int Attempts, Lineage? Lineage);

/// <summary>Who produced an event, when it was not a step (step indexes are 0 and up).</summary>
internal static class Producer
{
    public const int Start = -1;
    public const int Outside = -2;
    public const int UnknownStep = -3;
}
