namespace Workflows;

/// <summary>
/// A workflow seen from outside: what it starts with and ends with. The source generator implements
/// it on every (non-static) <see cref="WorkflowAttribute">[Workflow]</see> class, so a step can run
/// another workflow with <see cref="WorkflowContext.RunAsync{TStart, TStop}(IWorkflow{TStart, TStop}, TStart, CancellationToken)"/> and hosts can start
/// any workflow the same way.
/// </summary>
/// <typeparam name="TStart">Its StartEvent type.</typeparam>
/// <typeparam name="TStop">Its StopEvent type.</typeparam>
public interface IWorkflow<in TStart, TStop>
    where TStart : StartEvent
    where TStop : StopEvent
{
    /// <summary>The workflow's graph.</summary>
    static abstract WorkflowGraph Graph { get; }

    /// <summary>Starts a run; the same as the workflow's generated <c>RunAsync</c>.</summary>
    /// <param name="start">The StartEvent.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's handler.</returns>
    WorkflowHandler<TStop> RunAsync(TStart start, RunOptions? options = null, CancellationToken cancellationToken = default);
}
