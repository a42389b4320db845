namespace Workflows.Hosting;

/// <summary>Starts runs of one workflow type, each with its own DI scope.</summary>
/// <typeparam name="TWorkflow">The workflow type.</typeparam>
public readonly struct WorkflowStarter<TWorkflow>
    where TWorkflow : class
{
    private readonly WorkflowRunner _runner;

    internal WorkflowStarter(WorkflowRunner runner) => _runner = runner;

    /// <summary>
    /// Creates a DI scope, resolves the workflow from it, and calls <paramref name="start"/> with it and
    /// the run's options (the configured defaults and logging); pass those options on to
    /// <c>RunAsync</c>. The scope is disposed when the run ends.
    /// </summary>
    /// <typeparam name="THandler">The workflow's handler type (its generated typed handle).</typeparam>
    /// <param name="start">Starts the run: <c>(flow, options) =&gt; flow.RunAsync(start, options)</c>.</param>
    /// <returns>The run's handler.</returns>
    public THandler Start<THandler>(Func<TWorkflow, RunOptions, THandler> start)
        where THandler : WorkflowHandler => _runner.Start(start);
}
