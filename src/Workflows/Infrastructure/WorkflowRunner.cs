using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>Starts runs; called by the generated <c>RunAsync</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkflowRunner
{
    /// <summary>Starts a run at once and returns its handler.</summary>
    /// <typeparam name="TStop">The workflow's StopEvent type.</typeparam>
    /// <param name="definition">The workflow's definition.</param>
    /// <param name="dispatcher">The run's dispatcher, holding the workflow instance.</param>
    /// <param name="start">The StartEvent.</param>
    /// <param name="options">The run's options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's handler.</returns>
    public static WorkflowHandler<TStop> Start<TStop>(WorkflowDefinition definition, WorkflowDispatcher dispatcher, StartEvent start, RunOptions? options, CancellationToken cancellationToken)
        where TStop : StopEvent
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(start);
        return Start(new WorkflowHandler<TStop>(definition, dispatcher, options), start, cancellationToken);
    }

    /// <summary>Starts a run at once with a handler of the workflow's own (typed) handler class.</summary>
    /// <typeparam name="THandler">The handler's type.</typeparam>
    /// <param name="handler">A handler that has not started.</param>
    /// <param name="start">The StartEvent.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns><paramref name="handler"/>, running.</returns>
    public static THandler Start<THandler>(THandler handler, StartEvent start, CancellationToken cancellationToken)
        where THandler : WorkflowHandler
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(start);
        handler.Start(start, cancellationToken);
        return handler;
    }
}
