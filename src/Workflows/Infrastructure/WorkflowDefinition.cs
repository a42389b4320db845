using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// Everything the engine knows of a workflow type: its name, its steps and its graph. One static
/// instance per workflow, emitted by the source generator.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class WorkflowDefinition
{
    private readonly StepDefinition[] _steps;

    /// <summary>Creates the definition of a workflow.</summary>
    /// <param name="graph">The workflow's graph; its name is the workflow's.</param>
    /// <param name="steps">The steps, indexed as the generated dispatcher indexes them.</param>
    /// <param name="fingerprint">A hash of <paramref name="shape"/>.</param>
    /// <param name="shape">What stored runs depend on: steps and events, one per line.</param>
    public WorkflowDefinition(WorkflowGraph graph, StepDefinition[] steps, string fingerprint = "", string shape = "")
        : this(graph, steps, fingerprint, shape, [])
    {
    }

    /// <summary>Creates the definition of a workflow whose steps also stream events its graph does not route.</summary>
    /// <param name="graph">The workflow's graph; its name is the workflow's.</param>
    /// <param name="steps">The steps, indexed as the generated dispatcher indexes them.</param>
    /// <param name="fingerprint">A hash of <paramref name="shape"/>.</param>
    /// <param name="shape">What stored runs depend on: steps and events, one per line.</param>
    /// <param name="streamed">Event types steps write with <c>ctx.WriteToStream</c> that the graph does not route.</param>
    public WorkflowDefinition(WorkflowGraph graph, StepDefinition[] steps, string fingerprint, string shape, Type[] streamed)
    {
        ArgumentNullException.ThrowIfNull(streamed);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(steps);
        Graph = graph;
        _steps = steps;
        Fingerprint = fingerprint;
        Shape = shape;
        AcceptsExternalEvents = HasExternalInput(graph);
        ExternalEvents = [.. graph.Events.Where(e => e.Kind == EventKind.HumanResponse)];
        StreamedTypes = streamed;
    }

    /// <summary>A hash of <see cref="Shape"/>: equal fingerprints mean a stored run can be resumed.</summary>
    public string Fingerprint { get; }

    /// <summary>The steps (index, name, what they take and produce, options) and events (members), one per line.</summary>
    public string Shape { get; }

    /// <summary>The workflow's name: <c>[Workflow(Name = …)]</c>, else its class name.</summary>
    public string Name => Graph.WorkflowName;

    /// <summary>The workflow's version under <see cref="Name"/>: <c>[Workflow(Version = …)]</c>, else 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>A durable run's title from its StartEvent's <c>[RunTitle]</c> member, when the StartEvent has one.</summary>
    public Func<StartEvent, string?>? TitleOf { get; init; }

    /// <summary>A <c>[RunTitle]</c> member's value as text, for generated code.</summary>
    /// <typeparam name="T">The member's type.</typeparam>
    /// <param name="value">The member's value.</param>
    /// <returns>Its text, or <see langword="null"/>.</returns>
    public static string? TitleText<T>(T value) => value?.ToString();

    /// <summary>The workflow's graph.</summary>
    public WorkflowGraph Graph { get; }

    /// <summary>The steps, indexed as the generated dispatcher indexes them.</summary>
    public IReadOnlyList<StepDefinition> Steps => _steps;

    /// <summary>Whether some step consumes a <see cref="HumanResponseEvent"/>, so the run may wait for
    /// one from outside when it has nothing else to do.</summary>
    public bool AcceptsExternalEvents { get; }

    /// <summary>Event types steps write to the stream that the graph does not route: a durable run stores and reads them too.</summary>
    public IReadOnlyList<Type> StreamedTypes { get; }

    /// <summary>The event types its runs take from outside: the HumanResponseEvent types its steps take or wait for.</summary>
    internal IReadOnlyList<GraphEvent> ExternalEvents { get; }

    /// <summary>The step at <paramref name="index"/>, without bounds-check indirection.</summary>
    internal StepDefinition this[int index] => _steps[index];

    private static bool HasExternalInput(WorkflowGraph graph)
    {
        foreach (GraphStep step in graph.Steps)
        {
            if (step.Accepts.Kind == EventKind.HumanResponse)
            {
                return true;
            }
        }

        return false;
    }
}
