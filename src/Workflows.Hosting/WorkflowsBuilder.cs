using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.Infrastructure;

namespace Workflows.Hosting;

/// <summary>
/// What <see cref="WorkflowServiceCollectionExtensions.AddWorkflows"/> returns: add durable
/// workflows and the store they live in (<c>UseSqlite</c>, <c>UsePostgres</c>).
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddWorkflows()
///     .UseSqlite("workflows.db")
///     .AddDurableWorkflow&lt;ReviewFlow&gt;(ReviewJson.Default);
/// // then inject WorkflowRuntime to start runs, send answers, read them
/// </code>
/// </example>
public sealed class WorkflowsBuilder : IWorkflowStoreBuilder
{
    internal WorkflowsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Runs durable workflows in <paramref name="store"/>: registers the <see cref="WorkflowRuntime"/>
    /// (a singleton) and a hosted service that starts it with the host — resuming every unfinished
    /// run — and stops it with the host.
    /// </summary>
    /// <param name="store">Makes the store.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    /// <returns>This builder.</returns>
    public WorkflowsBuilder UseStore(Func<IServiceProvider, IWorkflowStore> store, Action<WorkflowRuntimeOptions>? configure = null)
    {
        UseStore<IWorkflowStore>(store, configure);
        return this;
    }

    /// <summary>
    /// Runs durable workflows in the store <paramref name="store"/> makes, which is also registered as
    /// a <typeparamref name="TStore"/> service (modules find the store they build on that way: the
    /// server's webhooks take a <c>SqlWorkflowStore</c>).
    /// </summary>
    /// <typeparam name="TStore">The type the store is registered as, besides <see cref="IWorkflowStore"/>.</typeparam>
    /// <param name="store">Makes the store.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    public void UseStore<TStore>(Func<IServiceProvider, TStore> store, Action<WorkflowRuntimeOptions>? configure = null)
        where TStore : class, IWorkflowStore
    {
        ArgumentNullException.ThrowIfNull(store);
        Services.TryAddSingleton(store);
        if (typeof(TStore) != typeof(IWorkflowStore))
        {
            Services.TryAddSingleton<IWorkflowStore>(provider => provider.GetRequiredService<TStore>());
        }

        Services.TryAddSingleton(provider =>
        {
            var options = new WorkflowRuntimeOptions { LoggerFactory = provider.GetService<ILoggerFactory>() };
            configure?.Invoke(options);
            var runtime = new WorkflowRuntime(provider.GetRequiredService<IWorkflowStore>(), options);
            foreach (DurableWorkflowRegistration registration in provider.GetServices<DurableWorkflowRegistration>())
            {
                registration.Register(runtime, provider);
            }

            return runtime;
        });
        Services.AddHostedService<WorkflowRuntimeService>();
    }

    /// <summary>
    /// Adds a durable workflow: resolved from the container in a scope of its own for each delivery,
    /// stored as JSON with <paramref name="json"/> (the analyzers check that it covers the workflow's events).
    /// </summary>
    /// <typeparam name="TWorkflow">The <c>[Workflow]</c> class.</typeparam>
    /// <param name="json">A source-generated context with <c>[JsonSerializable]</c> for each event type and state value type.</param>
    /// <returns>This builder.</returns>
    public WorkflowsBuilder AddDurableWorkflow<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorkflow>(JsonSerializerContext json)
        where TWorkflow : class, IGeneratedWorkflow
    {
        ArgumentNullException.ThrowIfNull(json);
        Services.TryAddScoped<TWorkflow>();
        Services.AddSingleton(new DurableWorkflowRegistration((runtime, provider) =>
            runtime.Register(
                () =>
                {
                    AsyncServiceScope scope = provider.CreateAsyncScope();
                    return (scope.ServiceProvider.GetRequiredService<TWorkflow>(), scope);
                },
                json)));
        return this;
    }
}

/// <summary>A workflow to register with the runtime when the container creates it.</summary>
internal sealed record DurableWorkflowRegistration(Action<WorkflowRuntime, IServiceProvider> Register);

/// <summary>Starts the runtime with the host (resuming unfinished runs) and stops its workers with it.</summary>
internal sealed class WorkflowRuntimeService(WorkflowRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync();
}
