namespace Workflows;

/// <summary>A step of a workflow's graph.</summary>
public sealed class GraphStep
{
    /// <summary>Creates a graph step.</summary>
    /// <param name="name">The step method's name.</param>
    /// <param name="accepts">The event type it takes (it also receives subtypes).</param>
    /// <param name="produces">The event types it returns or sends with <see cref="EmitsAttribute">[Emits]</see>.</param>
    /// <param name="calls">The graphs of the workflows it runs with <see cref="WorkflowContext.RunAsync{TStart, TStop}(IWorkflow{TStart, TStop}, TStart, CancellationToken)"/>,
    /// read on first use (two workflows may run each other).</param>
    public GraphStep(string name, GraphEvent accepts, IReadOnlyList<GraphEvent> produces, Func<IReadOnlyList<WorkflowGraph>>? calls = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(accepts);
        ArgumentNullException.ThrowIfNull(produces);
        Name = name;
        Accepts = accepts;
        Produces = produces;
        _calls = calls is null ? new Lazy<IReadOnlyList<WorkflowGraph>>(Array.Empty<WorkflowGraph>()) : new Lazy<IReadOnlyList<WorkflowGraph>>(calls);
    }

    private readonly Lazy<IReadOnlyList<WorkflowGraph>> _calls;

    /// <summary>The graphs of the workflows this step runs as sub-workflows.</summary>
    public IReadOnlyList<WorkflowGraph> Calls => _calls.Value;

    /// <summary>The step method's name.</summary>
    public string Name { get; }

    /// <summary>The event type it takes (it also receives subtypes).</summary>
    public GraphEvent Accepts { get; }

    /// <summary>The event types it returns or sends with <see cref="EmitsAttribute">[Emits]</see>.</summary>
    public IReadOnlyList<GraphEvent> Produces { get; }

    /// <summary>Whether the step fans out: it returns a list, each item of which goes on in a branch of its own.</summary>
    public bool FansOut { get; init; }

    /// <summary>Whether the step is a join: it takes a list, and runs once with the items of one fan-out.</summary>
    public bool Joins { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
