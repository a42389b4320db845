namespace Workflows.Hosting;

/// <summary>
/// Starts runs of workflows registered with <see cref="WorkflowServiceCollectionExtensions.AddWorkflow{TWorkflow}"/>,
/// from controllers, hosted services or anything else with access to the container. Each run gets
/// its own DI scope, disposed when the run ends.
/// </summary>
/// <example>
/// <code>
/// ReviewFlow.Handler run = runner.For&lt;ReviewFlow&gt;().Start((flow, options) =&gt; flow.RunAsync(new DocumentSubmitted(title, text), options));
/// ReviewCompleted result = await run;
/// </code>
/// </example>
public interface IWorkflowRunner
{
    /// <summary>Prepares to start runs of <typeparamref name="TWorkflow"/>.</summary>
    /// <typeparam name="TWorkflow">A workflow registered with <c>AddWorkflow&lt;TWorkflow&gt;()</c>.</typeparam>
    /// <returns>A starter for it.</returns>
    WorkflowStarter<TWorkflow> For<TWorkflow>()
        where TWorkflow : class;
}
