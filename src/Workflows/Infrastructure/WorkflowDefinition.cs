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
    public WorkflowDefinition(WorkflowGraph graph, StepDefinition[] steps)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(steps);
        Graph = graph;
        _steps = steps;
        AcceptsExternalEvents = HasExternalInput(graph);
    }

    /// <summary>The workflow's name (its class name).</summary>
    public string Name => Graph.WorkflowName;

    /// <summary>The workflow's graph.</summary>
    public WorkflowGraph Graph { get; }

    /// <summary>The steps, indexed as the generated dispatcher indexes them.</summary>
    public IReadOnlyList<StepDefinition> Steps => _steps;

    /// <summary>Whether some step consumes a <see cref="HumanResponseEvent"/>, so the run may wait for
    /// one from outside when it has nothing else to do.</summary>
    public bool AcceptsExternalEvents { get; }

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
