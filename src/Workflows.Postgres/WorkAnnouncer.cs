using Npgsql;

namespace Workflows.Postgres;

/// <summary>
/// Announces new work to idle workers in every process (<c>NOTIFY</c>) at most once per
/// <see cref="Interval"/>: each notification wakes every listening worker, and one per commit made
/// three workers slower than one (each woke to claim what the committer had already taken). The first
/// announcement of a quiet spell goes out with its commit; later ones within the interval are folded
/// into one sent when it ends, after their commits, so no announced work waits for a poll.
/// </summary>
/// <remarks>
/// The folded notification goes on a connection of the announcer's own, in a transaction that does not wait for
/// the disk (what it announces is there already). It went on a connection taken from the pool, which paid the
/// pool's session reset (seven statements the server parses) every time, in a transaction flushed to disk: a
/// <c>NOTIFY</c> gives its transaction an id, and holds a lock every notifying transaction of the database shares
/// from its COMMIT until that is on disk, so a writer's notifying commit could queue behind it.
/// </remarks>
internal sealed class WorkAnnouncer(NpgsqlDataSource dataSource, TimeProvider time) : IAsyncDisposable
{
    /// <summary>The least time between two notifications from this process.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public const string Channel = "workflows_work";

    /// <summary>One notification at a time on the connection.</summary>
    private readonly SemaphoreSlim _sending = new(1, 1);
    private NpgsqlConnection? _connection;
    private long _last = long.MinValue;
    private int _trailing;
    private bool _disposed;

    /// <summary>Whether this commit may carry the notification itself (none was sent within the interval); if so, the interval starts again.</summary>
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

    public async ValueTask DisposeAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await DropAsync().ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
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
        await SendAsync().ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                // The store closed while the notification waited: nobody in this process is left to tell.
                return;
            }

            if (_connection is null)
            {
                _connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
                // What the notification announces is on disk already; the notification itself need not wait for it.
                using var settings = new NpgsqlCommand("SET synchronous_commit = off", _connection);
                await settings.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            using var notify = new NpgsqlCommand($"NOTIFY {Channel}", _connection);
            await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The server is unreachable (or the pool closed): the work is safely recorded, and other workers find it at
            // their next poll. The next notification opens a fresh connection.
            await DropAsync().ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task DropAsync()
    {
        NpgsqlConnection? connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception error) when (error is NpgsqlException or IOException)
            {
                // Closing a broken connection: there is nothing left on it to keep.
            }
        }
    }
}
