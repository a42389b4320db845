using Microsoft.Data.Sqlite;

namespace Workflows.Sqlite;

/// <summary>
/// Tells an idle worker that another connection — another process, or this one's writer — committed
/// to the file, so an answer sent from a web front end wakes a worker process in milliseconds instead
/// of at its next poll. SQLite cannot notify; <c>PRAGMA data_version</c> changes whenever another
/// connection commits, and reading it on an open connection costs a look at shared memory, not a read
/// of the file, so it is watched every few milliseconds while a worker waits.
/// </summary>
internal sealed class ChangeWatch(Func<CancellationToken, Task<SqliteConnection>> open, TimeProvider time) : IAsyncDisposable
{
    /// <summary>How often a waiting worker looks: the wake-up latency, and about a hundred tiny statements a second while idle.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly SemaphoreSlim _one = new(1, 1);
    private SqliteConnection? _connection;
    private long? _seen;

    /// <summary>
    /// Waits until a commit since the last wait ended, or <paramref name="max"/>. A commit between two
    /// waits (while the worker was claiming) ends the next wait at once, so none is missed; it may be
    /// the worker's own, which costs one needless look for work.
    /// </summary>
    public async Task WaitAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        // One watcher per store: a second concurrent waiter just sleeps (the runtime has one claim loop).
        if (!await _one.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(max, time, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            long started = time.GetTimestamp();
            _connection ??= await open(cancellationToken).ConfigureAwait(false);
            long version = await VersionAsync(_connection, cancellationToken).ConfigureAwait(false);
            bool changed = _seen is { } seen && seen != version;
            while (!changed)
            {
                TimeSpan left = max - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.Delay(left < Interval ? left : Interval, time, cancellationToken).ConfigureAwait(false);
                long now = await VersionAsync(_connection, cancellationToken).ConfigureAwait(false);
                changed = now != version;
                version = now;
            }

            _seen = version;
        }
        catch (SqliteException)
        {
            // The watching connection broke (the file is busy or gone): drop it and end this wait early;
            // the caller looks for work (where a real problem is reported) and the next wait opens a new one.
            await DropAsync().ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    private static async Task<long> VersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task DropAsync()
    {
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _seen = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _one.WaitAsync().ConfigureAwait(false);
        try
        {
            await DropAsync().ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }
}
