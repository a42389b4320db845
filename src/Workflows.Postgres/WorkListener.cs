using Npgsql;

namespace Workflows.Postgres;

/// <summary>
/// Keeps one <c>LISTEN</c> connection per store and turns its notifications into in-process wake-ups
/// for idle workers. The connection's wait is only ever bounded by a timeout, never cancelled:
/// cancelling <see cref="NpgsqlConnection.WaitAsync(CancellationToken)"/> can deadlock
/// (npgsql/npgsql#5975), and a worker whose claim loop waited that way once stopped claiming for good.
/// A worker that stops waiting leaves only its in-process wait; the connection keeps listening.
/// </summary>
internal sealed class WorkListener(NpgsqlDataSource dataSource, TimeProvider time) : IAsyncDisposable
{
    /// <summary>The longest one wait on the connection lasts before it checks whether the store is closing.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);

    /// <summary>The pause before listening again after the connection broke (the server restarting, the network down).</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    /// <summary>A channel only this listener hears: closing the store notifies it, so the wait ends at once.</summary>
    private readonly string _closeChannel = "workflows_close_" + Guid.NewGuid().ToString("N");

    /// <summary>Set when work was announced and no waiter has taken the news yet: a notice that comes between two waits is not lost.</summary>
    private readonly SemaphoreSlim _announced = new(0, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _lock = new();
    private Task? _loop;

    /// <summary>Waits until another process (or this one) announces work, at most <paramref name="max"/>.</summary>
    public async Task WaitAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        EnsureListening();
        await _announced.WaitAsync(max, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
            _loop = Task.CompletedTask;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        if (loop is not null && !loop.IsCompleted)
        {
            try
            {
                using NpgsqlCommand close = dataSource.CreateCommand($"NOTIFY {_closeChannel}");
                await close.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The server is unreachable, so the listening connection is broken too and its wait ends by itself.
            }

            await loop.ConfigureAwait(false);
        }

        _closing.Dispose();
        _announced.Dispose();
    }

    private void EnsureListening()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_lock)
        {
            _loop ??= Task.Run(ListenAsync);
        }
    }

    private async Task ListenAsync()
    {
        NpgsqlConnection? connection = null;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                try
                {
                    connection ??= await OpenAsync().ConfigureAwait(false);
                    if (await connection.WaitAsync(Slice).ConfigureAwait(false))
                    {
                        Announce();
                    }
                }
                catch (OperationCanceledException) when (_closing.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception error) when (error is NpgsqlException or InvalidOperationException or IOException)
                {
                    // The connection broke (or the server went away while opening it): drop it, let the waiters
                    // look for work now (they poll anyway), and listen again after a pause.
                    await DropAsync(connection).ConfigureAwait(false);
                    connection = null;
                    Announce();
                    try
                    {
                        await Task.Delay(RetryPause, time, _closing.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            await DropAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(_closing.Token).ConfigureAwait(false);
        try
        {
            using var listen = new NpgsqlCommand($"LISTEN {WorkAnnouncer.Channel}; LISTEN {_closeChannel}", connection);
            await listen.ExecuteNonQueryAsync(_closing.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task DropAsync(NpgsqlConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Announce()
    {
        if (_announced.CurrentCount == 0)
        {
            try
            {
                _announced.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another announcement won the race; one wake-up is enough.
            }
        }
    }
}
