using System.Data.Common;

namespace Workflows.Sql;

/// <summary>
/// A command of several statements rented from a <see cref="StatementCache"/> that splits them: each statement
/// runs as a kept command of its own, given only its own parameters, and the results read as the one command's
/// would (<see cref="SplitReader"/>).
/// </summary>
internal sealed class SplitCommand(DbConnection connection, DbTransaction? transaction, StatementCache cache, StatementSplit split, (string Name, object? Value)[] parameters)
{
    private readonly int[][] _indices = split.IndicesFor(parameters);

    /// <summary>How many statements there are.</summary>
    public int Count => split.Parts.Length;

    /// <summary>The kept command of statement <paramref name="part"/>, its parameters set; dispose it when done.</summary>
    public CachedCommand Rent(int part) => cache.RentPart(connection, transaction, split.Parts[part], parameters, _indices[part]);

    public Task<DbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<DbDataReader>(SplitReader.Start(this));
    }

    public Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SplitReader reader = SplitReader.Start(this);
        reader.Close();
        return Task.FromResult(reader.RecordsAffected);
    }

    public Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using SplitReader reader = SplitReader.Start(this);
        return Task.FromResult(reader.Read() ? reader.GetValue(0) : null);
    }
}
