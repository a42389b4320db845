using Workflows.Durable;
using Workflows.Hosting;

namespace Workflows.Sqlite;

/// <summary>Durable workflows on SQLite, from dependency injection.</summary>
public static class SqliteWorkflowsBuilderExtensions
{
    /// <summary>Runs durable workflows in the SQLite file at <paramref name="path"/>, started and stopped with the host.</summary>
    /// <param name="builder">The builder from <c>AddWorkflows()</c>.</param>
    /// <param name="path">The database file.</param>
    /// <param name="configure">Sets the runtime's options.</param>
    /// <returns>The builder.</returns>
    public static WorkflowsBuilder UseSqlite(this WorkflowsBuilder builder, string path, Action<WorkflowRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.UseStore(_ => new SqliteWorkflowStore(path), configure);
    }
}
