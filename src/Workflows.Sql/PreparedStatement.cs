using System.Data.Common;

namespace Workflows.Sql;

/// <summary>
/// One statement a group-commit writer keeps prepared and runs itself, beneath the ADO.NET provider's command
/// (<see cref="GroupCommitHooks.Prepare"/>): where a command's own cost (its reader, its parameters' binders, each
/// name looked up again) is most of what a small statement costs, as with SQLite in the process.
/// </summary>
/// <remarks>
/// A writer's connection runs one statement at a time, and a statement runs again only after its reader is
/// disposed, so one reader may serve every run of it. What it binds and reads must match the provider's command
/// exactly: a value it cannot bind so (<see cref="CanBind"/>) goes through the provider's command instead.
/// </remarks>
public abstract class PreparedStatement : IDisposable
{
    /// <summary>Whether <paramref name="value"/> binds here as the provider's command would bind it.</summary>
    /// <param name="value">A parameter's value (<see langword="null"/> or <see cref="DBNull"/> for NULL).</param>
    /// <returns>Whether it does; if any value of a run does not, that run goes through the provider's command.</returns>
    public abstract bool CanBind(object? value);

    /// <summary>
    /// Binds <paramref name="values"/> and runs the statement, as the provider's <c>ExecuteReader</c> would: a statement
    /// with columns has its first row ready, one without has run to its end. Disposing the reader runs what is left
    /// (a <c>RETURNING</c> not read to its end) and makes the statement ready to run again.
    /// </summary>
    /// <param name="values">Its parameters' values, by name (without <c>@</c>): every parameter it uses.</param>
    /// <returns>The reader.</returns>
    public abstract DbDataReader Execute(StatementValues values);

    /// <summary>Releases the prepared statement (before its connection closes).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the prepared statement.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
