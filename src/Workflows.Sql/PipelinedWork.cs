using System.Data.Common;

namespace Workflows.Sql;

/// <summary>
/// A write whose whole work is one command and the reading of its results: a group commit may send it in the
/// same round trip as other writes' commands (<see cref="GroupCommitHooks.PipelinesWrites"/>).
/// </summary>
/// <typeparam name="T">What the write returns.</typeparam>
/// <param name="sql">The command's statements, with <c>@name</c> parameters.</param>
/// <param name="parameters">The parameters' names (without <c>@</c>) and values.</param>
/// <param name="readAsync">
/// Reads the command's results, given a reader at its first; returns the write's result and whether to keep its
/// changes. It reads only its own results. Anything other than "keep" (declining, throwing) undoes the write,
/// and the write then runs again the usual way, as if it had never been sent.
/// </param>
public sealed class PipelinedWork<T>(string sql, (string Name, object? Value)[] parameters, Func<DbDataReader, CancellationToken, Task<(T Result, bool Keep)>> readAsync)
{
    /// <summary>The command's statements.</summary>
    public string Sql => sql;

    /// <summary>The parameters' names and values.</summary>
    public (string Name, object? Value)[] Parameters => parameters;

    /// <summary>Reads the command's results: the write's result, and whether to keep its changes.</summary>
    public Func<DbDataReader, CancellationToken, Task<(T Result, bool Keep)>> ReadAsync => readAsync;
}
