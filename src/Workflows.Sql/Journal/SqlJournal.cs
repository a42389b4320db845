using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Durable;

namespace Workflows.Sql.Journal;

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

    // Active, or queued for a slot under its workflow's limit: a claim starts a queued run when it takes its first delivery.
    private const string ClaimableRun = "(0, 5, 7)";

    // Not ended: active, suspended (whose steps in flight may still finish and commit) or queued.
    private const string LiveRun = "(0, 5, 6, 7)";

    /// <summary>The dialect.</summary>
    public SqlDialect Dialect { get; } = dialect;

    private static long Millis(DateTimeOffset time) => SqlCommands.Millis(time);

    private static DateTimeOffset FromMillis(long millis) => SqlCommands.FromMillis(millis);

    private const string RunColumnNames =
        "run_id, workflow, fingerprint, shape, status, idempotency_key, result_type, result_payload, error, created_at, updated_at, failure, parent_run_id, deadline_at, trace_parent";

    private const string RunColumnList = "SELECT " + RunColumnNames;

    private const string RunColumns = RunColumnList + " FROM wf_runs";

    /// <summary>The run columns and the title (column 15), for what callers read: lists and single runs.</summary>
    private const string TitledRunColumns = RunColumnList + ", title FROM wf_runs";

    private static RunRecord ReadTitledRun(DbDataReader reader) => ReadRun(reader) with { Title = reader.IsDBNull(15) ? null : reader.GetString(15) };

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
        FromMillis(reader.GetInt64(10)),
        reader.IsDBNull(11) ? null : JsonSerializer.Deserialize(reader.GetString(11), SqlJson.Default.RunFailure),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        reader.IsDBNull(13) ? null : FromMillis(reader.GetInt64(13)),
        reader.IsDBNull(14) ? null : reader.GetString(14));

    private static string? WriteFailure(RunFailure? failure) => failure is null ? null : JsonSerializer.Serialize(failure, SqlJson.Default.RunFailure);

    private static List<StoredAnswer> ParseAnswers(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, SqlJson.Default.ListStoredAnswer) ?? [];

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using CachedCommand command = StatementCache.Rent(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static CachedCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        StatementCache.Rent(connection, transaction, sql, parameters);

    /// <summary><paramref name="scan"/> between <see cref="SqlDialect.BeforeIndexedRead"/> and <see cref="SqlDialect.AfterIndexedRead"/>, if the dialect has them.</summary>
    private string IndexedRead(string scan) => Between(Dialect.BeforeIndexedRead, scan, Dialect.AfterIndexedRead);

    /// <summary><paramref name="scan"/> between <see cref="SqlDialect.BeforeOrderedRead"/> and <see cref="SqlDialect.AfterOrderedRead"/>, if the dialect has them.</summary>
    private string OrderedRead(string scan) => Between(Dialect.BeforeOrderedRead, scan, Dialect.AfterOrderedRead);

    /// <summary><paramref name="scan"/> with a setting for it before and its undoing after, each as a statement of its own.</summary>
    private static string Between(string? before, string scan, string? after) =>
        (before is null ? string.Empty : before + "; ") + scan + (after is null ? string.Empty : "; " + after);
}

/// <summary>The JSON the journal keeps in its own columns: recorded answers and run failures.</summary>
[JsonSerializable(typeof(List<StoredAnswer>))]
[JsonSerializable(typeof(Dictionary<string, StoredAnswer>))]
[JsonSerializable(typeof(RunFailure))]
[JsonSerializable(typeof(ChildRunEnded))]
[JsonSerializable(typeof(List<NewDelivery>))]
internal sealed partial class SqlJson : JsonSerializerContext;

/// <summary>The journal entries of operators' controls and schedules' specs, in the casing JSON readers (the HTTP API, the CLI) expect.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(CamelCaseStatus)])]
[JsonSerializable(typeof(RunControlEntry))]
[JsonSerializable(typeof(ScheduleSpec))]
[JsonSerializable(typeof(TaskHistoryEntry))]
internal sealed partial class ControlJson : JsonSerializerContext;

/// <summary>A run status as the HTTP API writes it: <c>waitingForInput</c>.</summary>
internal sealed class CamelCaseStatus() : JsonStringEnumConverter<WorkflowRunStatus>(JsonNamingPolicy.CamelCase);
