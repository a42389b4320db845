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

    /// <summary>Creates the schema in an empty database and marks it as a Workflows store.</summary>
    public async Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (string statement in Dialect.CreateSchema)
        {
            await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO wf_meta (key, value) VALUES ('schema', 'workflows'), ('version', @v)", cancellationToken, ("v", SqlDialect.SchemaVersion.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
    }

    /// <summary>Checks that the Workflows tables are there and of this version.</summary>
    public static async Task VerifySchemaAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> tables, string where, CancellationToken cancellationToken)
    {
        if (!tables.Contains("wf_meta"))
        {
            throw new WorkflowStoreException(
                $"{where} is not a Workflows store: it has tables ({string.Join(", ", tables.Order())}) but no wf_meta. Workflows does not write into another application's database; use an empty one.");
        }

        string? schema = null;
        string? version = null;
        using (DbCommand command = Command(connection, transaction, "SELECT key, value FROM wf_meta"))
        {
            using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (reader.GetString(0))
                {
                    case "schema": schema = reader.GetString(1); break;
                    case "version": version = reader.GetString(1); break;
                }
            }
        }

        if (schema != "workflows")
        {
            throw new WorkflowStoreException($"{where} has a wf_meta table that does not say it is a Workflows store (schema = '{schema}').");
        }

        if (version != SqlDialect.SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw new WorkflowStoreException($"{where} is a Workflows store of schema version {version}; this build reads version {SqlDialect.SchemaVersion}.");
        }

        foreach (string table in SqlDialect.Tables)
        {
            if (!tables.Contains(table))
            {
                throw new WorkflowStoreException($"{where} is a Workflows store but its table {table} is missing; it was damaged or altered. Restore it from a backup.");
            }
        }
    }


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
