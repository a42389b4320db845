namespace Workflows.Durable;

/// <summary>
/// Where a store package plugs in: <c>UseSqlite</c> and <c>UsePostgres</c> extend any builder that
/// implements this (<c>Workflows.Hosting</c>'s <c>AddWorkflows()</c> returns one), so the store
/// packages need no hosting package of their own.
/// </summary>
public interface IWorkflowStoreBuilder
{
    /// <summary>Runs durable workflows in the store <paramref name="store"/> makes; the store is also available as a <typeparamref name="TStore"/> service.</summary>
    /// <typeparam name="TStore">The type the store is registered as, besides <see cref="IWorkflowStore"/>.</typeparam>
    /// <param name="store">Makes the store.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    void UseStore<TStore>(Func<IServiceProvider, TStore> store, Action<WorkflowRuntimeOptions>? configure)
        where TStore : class, IWorkflowStore;
}
