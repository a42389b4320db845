using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Workflows.Durable.Sql;

/// <summary>
/// The journal's operations in SQL, each run inside a transaction the store opens: the same logic
/// for SQLite and PostgreSQL, so both stores keep exactly the same guarantees.
/// </summary>
internal sealed partial class SqlJournal(SqlDialect dialect)
{
    private const int Pending = (int)DeliveryStatus.Pending;
    private const int Claimed = (int)DeliveryStatus.Claimed;
    private const int Waiting = (int)DeliveryStatus.Waiting;
    private const string ActiveRun = "(0, 5)";

    /// <summary>The dialect.</summary>
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Unix milliseconds: one integer column type in every database, ordered like time.</summary>
    public static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    private const string RunColumns =
        "SELECT run_id, workflow, fingerprint, shape, status, idempotency_key, result_type, result_payload, error, created_at, updated_at FROM wf_runs";

    private static RunRecord ReadRun(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        (WorkflowRunStatus)reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        FromMillis(reader.GetInt64(9)),
        FromMillis(reader.GetInt64(10)));

    private static List<StoredAnswer> ParseAnswers(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, EngineJsonContext.Default.ListStoredAnswer) ?? [];


    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
