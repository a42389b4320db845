namespace Workflows;

/// <summary>
/// An event travelling in a workflow's graph: from a step (or from outside) to a step (or out of
/// the workflow, for the StopEvent and InputRequiredEvents).
/// </summary>
public sealed class GraphEdge
{
    /// <summary>Creates a graph edge.</summary>
    /// <param name="from">The producing step's name; <see langword="null"/> when the event comes from
    /// outside (the StartEvent, a HumanResponseEvent).</param>
    /// <param name="to">The consuming step's name; <see langword="null"/> when the event leaves the
    /// workflow (the StopEvent, an InputRequiredEvent).</param>
    /// <param name="event">The event type travelling.</param>
    public GraphEdge(string? from, string? to, GraphEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        From = from;
        To = to;
        Event = @event;
    }

    /// <summary>The producing step's name, or <see langword="null"/> for outside.</summary>
    public string? From { get; }

    /// <summary>The consuming step's name, or <see langword="null"/> for outside.</summary>
    public string? To { get; }

    /// <summary>The event type travelling.</summary>
    public GraphEvent Event { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{From ?? "(outside)"} -[{Event.Name}]-> {To ?? "(outside)"}";
}
