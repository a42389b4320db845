using Microsoft.Extensions.Time.Testing;
using Workflows.Postgres;
using Workflows.Sql;

namespace Workflows.Durable.Tests;

/// <summary>
/// PostgreSQL announces new work (<c>NOTIFY</c>) at most once per 50 ms a process, with the commit that recorded it:
/// work announced within that interval is announced by one notification when it ends, on the announcer's own
/// connection. The announcing store's clock is a fake one here, so the interval ends when the test says.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkAnnouncementTests(PostgresServer server)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    /// <summary>The least time between two notifications from one process (the store's own constant).</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Work_announced_soon_after_other_work_still_wakes_an_idle_worker_once_the_interval_ends()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var committer = new PostgresWorkflowStore(connectionString, clock);
        await using var idle = new PostgresWorkflowStore(connectionString);
        await committer.InitializeAsync(CancellationToken.None);
        await idle.InitializeAsync(CancellationToken.None);

        // The idle store listens; the first announcement (the first of a quiet spell) notifies with its commit.
        await idle.WaitForWorkAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);
        await ListeningAsync(idle, connectionString);
        await AnnounceAsync(committer);
        await WaitAtOnceAsync(idle, "the first announcement's own notification");

        // Within the interval (the fake clock has not moved): folded, nothing is sent yet.
        await AnnounceAsync(committer);
        Task woken = idle.WaitForWorkAsync(Long, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(woken.IsCompleted, "An announcement within the interval was sent at once.");

        // The interval ends: one notification.
        clock.Advance(Interval);
        await WaitAtOnceAsync(woken, "the folded announcement");

        // And only one: nothing was announced since, so no further notification follows.
        using var stop = new CancellationTokenSource();
        Task quiet = idle.WaitForWorkAsync(Long, stop.Token);
        for (int i = 0; i < 5; i++)
        {
            clock.Advance(Interval);
            await Task.Delay(60);
        }

        Assert.False(quiet.IsCompleted, "A notification followed with nothing announced.");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quiet);
    }

    private static Task<bool> AnnounceAsync(PostgresWorkflowStore store) =>
        store.WriteAsync((_, _, _) => Task.FromResult((true, Keep: true)), SqlWriteKind.AnnouncesWork, CancellationToken.None);

    /// <summary>Waits until the idle store hears notifications: its listening connection opens in the background.</summary>
    private static async Task ListeningAsync(PostgresWorkflowStore idle, string connectionString)
    {
        await using var other = new PostgresWorkflowStore(connectionString);
        await other.InitializeAsync(CancellationToken.None);
        for (int attempt = 0; attempt < 50; attempt++)
        {
            await AnnounceAsync(other);
            // A wait ends after its 400 ms without a notification: one that ends well before was woken.
            Task heard = idle.WaitForWorkAsync(TimeSpan.FromMilliseconds(400), CancellationToken.None);
            if (await Task.WhenAny(heard, Task.Delay(200)) == heard)
            {
                // Let the other store's folded announcements pass, then take any that is pending.
                await Task.Delay(300);
                await idle.WaitForWorkAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);
                return;
            }

            await heard;
        }

        Assert.Fail("The idle store never heard a notification.");
    }

    private static Task WaitAtOnceAsync(PostgresWorkflowStore idle, string what) => WaitAtOnceAsync(idle.WaitForWorkAsync(Long, CancellationToken.None), what);

    private static async Task WaitAtOnceAsync(Task woken, string what)
    {
        // Generous: a notification arrives in milliseconds; without one the wait lasts 20 s.
        Assert.True(await Task.WhenAny(woken, Task.Delay(TimeSpan.FromSeconds(8))) == woken, $"The idle store did not wake for {what}.");
    }
}
