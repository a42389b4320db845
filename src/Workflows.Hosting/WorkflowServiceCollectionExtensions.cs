using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Workflows.Hosting;

/// <summary>Registers workflows and their runner with Microsoft.Extensions.DependencyInjection.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWorkflowRunner"/>, logging of run lifecycles, and
    /// <see cref="WorkflowsOptions"/> bound from the "Workflows" configuration section (when an
    /// <see cref="IConfiguration"/> is registered), then applies <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is applied.</param>
    /// <returns>A builder to add durable workflows and their store to.</returns>
    public static WorkflowsBuilder AddWorkflows(this IServiceCollection services, Action<WorkflowsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WorkflowsOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            if (provider.GetService<IConfiguration>() is { } configuration)
            {
                configuration.GetSection(WorkflowsOptions.SectionName).Bind(options);
            }
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<WorkflowLoggingObserver>();
        services.TryAddSingleton<IWorkflowRunner, WorkflowRunner>();
        return new WorkflowsBuilder(services);
    }

    /// <summary>
    /// Registers a workflow: resolved from the container (constructor injection), one instance per
    /// run in a scope of its own. Also registers what <see cref="AddWorkflows"/> does.
    /// </summary>
    /// <typeparam name="TWorkflow">The <c>[Workflow]</c> class.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddWorkflow<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorkflow>(this IServiceCollection services)
        where TWorkflow : class
    {
        services.AddWorkflows();
        services.TryAddScoped<TWorkflow>();
        return services;
    }
}
