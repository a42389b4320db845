using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: reading a run's events, state and deliveries.</summary>
internal sealed partial class SqlJournal
{
    public static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(DbConnection connection, string runId, long afterSequence, int max, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(
            connection, null,
            $"SELECT {EventColumns("wf_events")} FROM wf_events WHERE run_id = @r AND seq > @after ORDER BY seq LIMIT @max",
            ("r", runId), ("after", afterSequence), ("max", Math.Clamp(max, 1, 10_000)));
        var events = new List<StoredEvent>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(ReadEvent(reader, 0, runId));
        }

        return events;
    }

    /// <summary>An event's columns, in the order <see cref="ReadEvent"/> reads them, of the table or alias <paramref name="table"/>.</summary>
    private static string EventColumns(string table) =>
        $"{table}.event_id, {table}.seq, {table}.kind, {table}.type, {table}.payload, {table}.producer, {table}.created_at, {table}.lineage";

    /// <summary>The event whose <see cref="EventColumns"/> start at column <paramref name="at"/>.</summary>
    private static StoredEvent ReadEvent(DbDataReader reader, int at, string runId) =>
        new(reader.GetInt64(at), runId, reader.GetInt64(at + 1), (EventRecordKind)reader.GetInt32(at + 2), reader.GetString(at + 3), reader.GetString(at + 4),
            reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5), FromMillis(reader.GetInt64(at + 6)))
        {
            Lineage = reader.IsDBNull(at + 7) ? null : reader.GetString(at + 7),
        };

    public static Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(DbConnection connection, string runId, CancellationToken cancellationToken) =>
        ReadStateAsync(connection, null, runId, cancellationToken);

    public static async Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(connection, transaction, "SELECT key, version, type, value FROM wf_state WHERE run_id = @r", ("r", runId));
        var state = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state[reader.GetString(0)] = new StoredValue(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
        }

        return state;
    }

    public static async Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(DbConnection connection, string runId, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(
            connection, null,
            "SELECT delivery_id, step, step_name, event_id, status, attempt, executions, worker, waiting_for, error FROM wf_deliveries WHERE run_id = @r ORDER BY delivery_id",
            ("r", runId));
        var deliveries = new List<DeliveryRecord>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new DeliveryRecord(reader.GetInt64(0), runId, reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), (DeliveryStatus)reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return deliveries;
    }
}
