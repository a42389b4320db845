namespace Workflows;

/// <summary>A step of a workflow's graph.</summary>
public sealed class GraphStep
{
    /// <summary>Creates a graph step.</summary>
    /// <param name="name">The step method's name.</param>
    /// <param name="accepts">The event type it takes (it also receives subtypes).</param>
    /// <param name="produces">The event types it returns or sends with <see cref="EmitsAttribute">[Emits]</see>.</param>
    public GraphStep(string name, GraphEvent accepts, IReadOnlyList<GraphEvent> produces)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(accepts);
        ArgumentNullException.ThrowIfNull(produces);
        Name = name;
        Accepts = accepts;
        Produces = produces;
    }

    /// <summary>The step method's name.</summary>
    public string Name { get; }

    /// <summary>The event type it takes (it also receives subtypes).</summary>
    public GraphEvent Accepts { get; }

    /// <summary>The event types it returns or sends with <see cref="EmitsAttribute">[Emits]</see>.</summary>
    public IReadOnlyList<GraphEvent> Produces { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
