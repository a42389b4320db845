using Workflows.Rules;

namespace Workflows.Engine;

/// <summary>
/// An event inside a fan-out, with its lineage: how the in-memory run's queues carry the lineage,
/// so that their entries stay as small as a run without fan-outs needs (an event and a number).
/// </summary>
/// <param name="Event">The event.</param>
/// <param name="Lineage">Where it stands among fan-outs.</param>
internal sealed record Branched(Event? Event, Lineage Lineage)
{
    /// <summary>The event as a queue keeps it: itself outside any fan-out, else with its lineage. Nothing produced needs no lineage.</summary>
    public static object? Of(Event? ev, Lineage? lineage) => lineage is null || ev is null ? ev : new Branched(ev, lineage);

    /// <summary>The event of what <see cref="Of"/> made.</summary>
    public static Event? EventOf(object? item) => item is Branched branched ? branched.Event : (Event?)item;

    /// <summary>The lineage of what <see cref="Of"/> made.</summary>
    public static Lineage? LineageOf(object? item) => (item as Branched)?.Lineage;
}
