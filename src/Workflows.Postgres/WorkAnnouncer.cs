using Npgsql;

namespace Workflows.Postgres;

/// <summary>
/// Announces new work to idle workers in every process (<c>NOTIFY</c>) at most once per
/// <see cref="Interval"/>: each notification wakes every listening worker, and one per commit made
/// three workers slower than one (each woke to claim what the committer had already taken). The first
/// announcement of a quiet spell goes out with its commit; later ones within the interval are folded
/// into one sent when it ends, after their commits, so no announced work waits for a poll.
/// </summary>
internal sealed class WorkAnnouncer(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The least time between two notifications from this process.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public const string Channel = "workflows_work";

    private long _last = long.MinValue;
    private int _trailing;

    /// <summary>Whether this commit may carry the notification itself (none was sent within the interval).</summary>
    public bool TakeTurn()
    {
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _last);
        return (last == long.MinValue || time.GetElapsedTime(last, now) >= Interval) && Interlocked.CompareExchange(ref _last, now, last) == last;
    }

    /// <summary>A commit announced work without notifying: make sure one notification follows.</summary>
    public void Trail()
    {
        if (Interlocked.Exchange(ref _trailing, 1) == 0)
        {
            _ = TrailAsync();
        }
    }

    private async Task TrailAsync()
    {
        long last = Interlocked.Read(ref _last);
        TimeSpan wait = Interval - time.GetElapsedTime(last);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time).ConfigureAwait(false);
        }

        Volatile.Write(ref _trailing, 0);
        Interlocked.Exchange(ref _last, time.GetTimestamp());
        try
        {
            using NpgsqlCommand notify = dataSource.CreateCommand($"NOTIFY {Channel}");
            await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The server is unreachable: the work is safely recorded, and other workers find it at their next poll.
        }
        catch (ObjectDisposedException)
        {
            // The store closed while the notification waited: nobody in this process is left to tell.
        }
    }
}
