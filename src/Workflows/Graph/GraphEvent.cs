namespace Workflows;

/// <summary>An event type of a workflow's graph.</summary>
public sealed class GraphEvent
{
    /// <summary>Creates a graph event.</summary>
    /// <param name="name">The type's name as written in C# (without namespace).</param>
    /// <param name="type">The event type.</param>
    /// <param name="kind">Its role.</param>
    public GraphEvent(string name, Type type, EventKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
        Kind = kind;
    }

    /// <summary>The type's name as written in C# (without namespace).</summary>
    public string Name { get; }

    /// <summary>The event type.</summary>
    public Type Type { get; }

    /// <summary>Its role.</summary>
    public EventKind Kind { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
