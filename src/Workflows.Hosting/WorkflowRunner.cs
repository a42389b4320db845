using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>The container's <see cref="IWorkflowRunner"/>.</summary>
internal sealed class WorkflowRunner(IServiceScopeFactory scopes, IOptions<WorkflowsOptions> options, WorkflowLoggingObserver logging) : IWorkflowRunner
{
    public WorkflowStarter<TWorkflow> For<TWorkflow>()
        where TWorkflow : class => new(this);

    internal THandler Start<TWorkflow, THandler>(Func<TWorkflow, RunOptions, THandler> start)
        where TWorkflow : class
        where THandler : WorkflowHandler
    {
        ArgumentNullException.ThrowIfNull(start);
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        THandler handler;
        try
        {
            TWorkflow workflow = scope.ServiceProvider.GetService<TWorkflow>() ?? throw new InvalidOperationException(
                $"Workflow '{typeof(TWorkflow).Name}' is not registered. Add services.AddWorkflow<{typeof(TWorkflow).Name}>() at startup.");
            var runOptions = new RunOptions
            {
                Timeout = options.Value.DefaultTimeout,
                Observer = options.Value.Logging ? logging : null,
            };
            handler = start(workflow, runOptions);
        }
        catch
        {
            scope.Dispose();
            throw;
        }

        _ = DisposeWhenDoneAsync(handler, scope);
        return handler;
    }

    private static async Task DisposeWhenDoneAsync(WorkflowHandler handler, AsyncServiceScope scope)
    {
        try
        {
            await handler.Completion.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The run's outcome belongs to whoever awaits its handler; here it only ends the scope.
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
