using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Postgres;

/// <summary>Durable workflows on PostgreSQL, from dependency injection.</summary>
public static class PostgresWorkflowsBuilderExtensions
{
    /// <summary>Runs durable workflows in the PostgreSQL database <paramref name="connectionString"/> names, started and stopped with the host.</summary>
    /// <typeparam name="TBuilder">The builder, e.g. the one <c>AddWorkflows()</c> returns.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UsePostgres<TBuilder>(this TBuilder builder, string connectionString, Action<WorkflowRuntimeOptions>? configure = null)
        where TBuilder : IWorkflowStoreBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.UseStore<SqlWorkflowStore>(_ => new PostgresWorkflowStore(connectionString), configure);
        return builder;
    }
}
