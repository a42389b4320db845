namespace Workflows;

/// <summary>
/// A workflow's steps, event types and edges, computed at compile time by the source generator.
/// Draw it with <see cref="ToMermaid"/> or <see cref="ToDot"/>.
/// </summary>
/// <example>
/// <code>
/// Console.WriteLine(ReviewFlow.Graph.ToMermaid());
/// </code>
/// </example>
public sealed class WorkflowGraph
{
    /// <summary>Creates a graph; emitted by the source generator.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="events">Every event type of the workflow.</param>
    /// <param name="steps">The steps, in declaration order.</param>
    /// <param name="edges">The edges.</param>
    public WorkflowGraph(string workflowName, IReadOnlyList<GraphEvent> events, IReadOnlyList<GraphStep> steps, IReadOnlyList<GraphEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(edges);
        WorkflowName = workflowName;
        Events = events;
        Steps = steps;
        Edges = edges;
    }

    /// <summary>The workflow's name.</summary>
    public string WorkflowName { get; }

    /// <summary>Every event type of the workflow.</summary>
    public IReadOnlyList<GraphEvent> Events { get; }

    /// <summary>The steps, in declaration order.</summary>
    public IReadOnlyList<GraphStep> Steps { get; }

    /// <summary>The edges.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The StartEvent type.</summary>
    public GraphEvent StartEvent => Single(EventKind.Start);

    /// <summary>The StopEvent type.</summary>
    public GraphEvent StopEvent => Single(EventKind.Stop);

    /// <summary>The graph as a Mermaid flowchart.</summary>
    /// <returns>Mermaid source, starting with <c>flowchart TD</c>.</returns>
    public string ToMermaid() => GraphRenderer.Mermaid(this);

    /// <summary>The graph in Graphviz DOT.</summary>
    /// <returns>DOT source, starting with <c>digraph</c>.</returns>
    public string ToDot() => GraphRenderer.Dot(this);

    private GraphEvent Single(EventKind kind)
    {
        foreach (GraphEvent ev in Events)
        {
            if (ev.Kind == kind)
            {
                return ev;
            }
        }

        throw new InvalidOperationException($"Workflow '{WorkflowName}' has no {kind} event type.");
    }
}
