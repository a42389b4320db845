using System.Data.Common;
using System.Text.Json;
using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: results of <c>ctx.OnceAsync</c>, recorded while their step runs.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// Adds a result to the delivery's recorded results and to the run's journal, on condition that the
    /// worker still holds the delivery; a key already recorded keeps its first result.
    /// </summary>
    public async Task<bool> RecordResultAsync(DbConnection connection, DbTransaction transaction, RecordedResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (RunRecord? run, long sequence) = await LockRunAsync(connection, transaction, result.RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.IsFinished)
        {
            return false;
        }

        string? json;
        using (CachedCommand read = Command(connection, transaction, $"SELECT recorded FROM wf_deliveries WHERE {HeldBy}", ("id", result.DeliveryId), ("me", result.WorkerId)))
        {
            using DbDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            json = reader.IsDBNull(0) ? null : reader.GetString(0);
        }

        Dictionary<string, StoredAnswer> recorded = ParseRecorded(json) ?? new(StringComparer.Ordinal);
        if (!recorded.TryAdd(result.Key, new StoredAnswer(result.Type, result.Payload)))
        {
            return true;
        }

        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET recorded = @rec WHERE {HeldBy}",
            cancellationToken,
            ("rec", JsonSerializer.Serialize(recorded, SqlJson.Default.DictionaryStringStoredAnswer)), ("id", result.DeliveryId), ("me", result.WorkerId)).ConfigureAwait(false);
        long next = await InsertEventsAsync(connection, transaction, run.RunId, sequence, [new NewEvent(EventRecordKind.Recorded, result.Key, result.Payload, result.Step, [])], now, cancellationToken).ConfigureAwait(false);
        await SetNextSequenceAsync(connection, transaction, run.RunId, sequence, next, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Dictionary<string, StoredAnswer>? ParseRecorded(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SqlJson.Default.DictionaryStringStoredAnswer);
}
