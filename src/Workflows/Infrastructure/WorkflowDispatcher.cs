using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// The generated, reflection-free link between the engine and a workflow's step methods: which
/// steps accept an event (a type <see langword="switch"/>) and the direct call of each step.
/// One instance per run, holding the workflow instance.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class WorkflowDispatcher
{
    /// <summary>The indexes of the steps that accept <paramref name="ev"/>; empty when none does.</summary>
    /// <param name="ev">The event to route.</param>
    /// <returns>Step indexes, in declaration order.</returns>
    public abstract ReadOnlySpan<int> Route(Event ev);

    /// <summary>Calls step <paramref name="step"/> with <paramref name="ev"/> and returns what it produced.</summary>
    /// <param name="step">The step's index.</param>
    /// <param name="ev">The event; the engine guarantees the step accepts it.</param>
    /// <param name="context">The run's context.</param>
    /// <param name="cancellationToken">Cancelled when the run ends or the attempt times out.</param>
    /// <returns>The event produced, or <see langword="null"/> for none.</returns>
    public abstract ValueTask<Event?> Invoke(int step, Event ev, WorkflowContext context, CancellationToken cancellationToken);
}
