using Workflows.Durable;
using Workflows.Hosting;

namespace Workflows.Postgres;

/// <summary>Durable workflows on PostgreSQL, from dependency injection.</summary>
public static class PostgresWorkflowsBuilderExtensions
{
    /// <summary>Runs durable workflows in the PostgreSQL database <paramref name="connectionString"/> names, started and stopped with the host.</summary>
    /// <param name="builder">The builder from <c>AddWorkflows()</c>.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    /// <returns>The builder.</returns>
    public static WorkflowsBuilder UsePostgres(this WorkflowsBuilder builder, string connectionString, Action<WorkflowRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return builder.UseStore(_ => new PostgresWorkflowStore(connectionString), configure);
    }
}
