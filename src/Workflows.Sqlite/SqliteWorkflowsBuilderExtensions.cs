using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Sqlite;

/// <summary>Durable workflows on SQLite, from dependency injection.</summary>
public static class SqliteWorkflowsBuilderExtensions
{
    /// <summary>Runs durable workflows in the SQLite file at <paramref name="path"/>, started and stopped with the host.</summary>
    /// <typeparam name="TBuilder">The builder, e.g. the one <c>AddWorkflows()</c> returns.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UseSqlite<TBuilder>(this TBuilder builder, string path, Action<WorkflowRuntimeOptions>? configure = null)
        where TBuilder : IWorkflowStoreBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.UseStore<SqlWorkflowStore>(_ => new SqliteWorkflowStore(path), configure);
        return builder;
    }
}
