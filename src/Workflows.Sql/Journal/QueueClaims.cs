using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// One claim's view of the named queues: how many deliveries of each queue (and partition) run now
/// across all workers, run under this worker, and started in the rate period — counted once per
/// claim under the queue's lock, then kept up to date as this claim takes more.
/// </summary>
internal sealed class QueueClaims(ClaimRequest request)
{
    private readonly Dictionary<(string Queue, string? Partition), Counts?> _counts = [];

    /// <summary>The queues (and partitions) this claim found at their limits, or being claimed by another process.</summary>
    public HashSet<(string Queue, string? Partition)> Blocked { get; } = [];

    /// <summary>A condition (on aliases <c>d</c> and <c>r</c>) that leaves out the blocked queues and the deliveries already looked at.</summary>
    public (string Sql, (string, object?)[] Parameters) Exclusion(IEnumerable<long> seen)
    {
        var parts = new List<string>();
        var parameters = new List<(string, object?)>();
        int i = 0;
        foreach ((string queue, string? partition) in Blocked)
        {
            string n = (i++).ToString(CultureInfo.InvariantCulture);
            parts.Add(partition is null
                ? $"d.queue = @bq{n}"
                : $"(d.queue = @bq{n} AND COALESCE(r.partition_key, '') = @bp{n})");
            parameters.Add(("bq" + n, queue));
            parameters.Add(("bp" + n, partition));
        }

        string ids = string.Join(", ", seen.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        string queues = parts.Count == 0 ? string.Empty : $" AND (d.queue IS NULL OR NOT ({string.Join(" OR ", parts)}))";
        return ($"{queues}{(ids.Length == 0 ? string.Empty : $" AND d.delivery_id NOT IN ({ids})")}", [.. parameters]);
    }

    private sealed class Counts
    {
        public long Running;
        public long Mine;
        public long Started;
    }

    /// <summary>Whether one more delivery of the queue (in the partition) fits its limits now; if so, it is counted.</summary>
    public async Task<bool> TryTakeAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, string queue, string? partition, CancellationToken cancellationToken)
    {
        if (!request.Queues.TryGetValue(queue, out QueueLimits? limits))
        {
            // Not configured here: this worker's registrations did not name it, so it leaves it to one that does.
            Blocked.Add((queue, null));
            return false;
        }

        string? key = limits.Partitioned ? partition ?? string.Empty : null;
        if (!_counts.TryGetValue((queue, key), out Counts? counts))
        {
            counts = await CountAsync(journal, connection, transaction, queue, key, limits, cancellationToken).ConfigureAwait(false);
            _counts[(queue, key)] = counts;
        }

        if (counts is null
            || counts.Running >= limits.Concurrency
            || counts.Mine >= limits.WorkerConcurrency
            || counts.Started >= limits.RateLimit)
        {
            Blocked.Add((queue, key));
            return false;
        }

        counts.Running++;
        counts.Mine++;
        counts.Started++;
        return true;
    }

    /// <summary>The queue's counts; <see langword="null"/> when another process is claiming from it right now (it gets its turn at the next look).</summary>
    private async Task<Counts?> CountAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, string queue, string? partition, QueueLimits limits, CancellationToken cancellationToken)
    {
        if (journal.Dialect.QueueLock is { } queueLock)
        {
            using CachedCommand take = StatementCache.Rent(connection, transaction, queueLock, ("lock", "wf_queue:" + queue + "\u001f" + partition));
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        long now = SqlCommands.Millis(request.Now);
        string inPartition = partition is null ? string.Empty : " AND COALESCE(r.partition_key, '') = @p";
        using CachedCommand count = StatementCache.Rent(
            connection, transaction,
            $"SELECT COALESCE(SUM(CASE WHEN d.status = {(int)DeliveryStatus.Claimed} AND d.lease_expires > @now THEN 1 ELSE 0 END), 0), " +
            $"COALESCE(SUM(CASE WHEN d.status = {(int)DeliveryStatus.Claimed} AND d.lease_expires > @now AND d.lease_owner = @me THEN 1 ELSE 0 END), 0), " +
            "COALESCE(SUM(CASE WHEN d.started_at > @since THEN 1 ELSE 0 END), 0) " +
            "FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id WHERE d.queue = @q AND (d.status = 1 OR d.started_at > @since)" + inPartition,
            ("now", now), ("me", request.WorkerId), ("since", now - (long)limits.RatePeriod.TotalMilliseconds), ("q", queue), ("p", partition));
        using DbDataReader reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Counts
        {
            Running = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            Mine = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
            Started = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
        };
    }
}
