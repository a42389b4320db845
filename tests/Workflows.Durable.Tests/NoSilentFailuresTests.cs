using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// Every failure a runtime handles is logged with its exception, and the run still ends right: the
/// store refusing claims, commits, releases, lease renewals and state reads, on each store.
/// </summary>
public abstract class NoSilentFailuresContract
{
    private const string Refused = "the store is down";

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task Claims_the_store_refuses_are_logged_and_tried_again()
    {
        (WorkflowRuntime runtime, FaultyStore store, LogRecorder log, TempStore temp) = await StartAsync(faults => faults["claim"] = 3);
        using (temp)
        await using (runtime)
        {
            RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));

            Assert.Equal("worked", (await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit)).How);
            AssertLogged(log, 120, 3);
        }
    }

    [Fact]
    public async Task A_commit_the_store_refuses_is_logged_and_its_delivery_runs_again()
    {
        (WorkflowRuntime runtime, FaultyStore store, LogRecorder log, TempStore temp) = await StartAsync(_ => { });
        using (temp)
        await using (runtime)
        {
            store.Faults["commit"] = 1;
            RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));

            Assert.Equal("worked", (await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit)).How);
            AssertLogged(log, 121, 1);
            DeliveryRecord delivery = Assert.Single(await runtime.Store.ReadDeliveriesAsync(run.RunId, default));
            Assert.Equal((DeliveryStatus.Done, 1, 2), (delivery.Status, delivery.Attempt, delivery.Executions));
        }
    }

    [Fact]
    public async Task A_release_the_store_refuses_is_logged_and_the_lease_runs_out_instead()
    {
        (WorkflowRuntime runtime, FaultyStore store, LogRecorder log, TempStore temp) = await StartAsync(_ => { }, lease: TimeSpan.FromSeconds(1));
        using (temp)
        await using (runtime)
        {
            store.Faults["commit"] = 1;
            store.Faults["release"] = 1;
            RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));

            Assert.Equal("worked", (await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit)).How);
            AssertLogged(log, 121, 1);
            AssertLogged(log, 122, 1);
        }
    }

    [Fact]
    public async Task A_lease_renewal_the_store_refuses_is_logged_and_the_step_goes_on()
    {
        (WorkflowRuntime runtime, FaultyStore store, LogRecorder log, TempStore temp) = await StartAsync(_ => { }, lease: TimeSpan.FromSeconds(1.5));
        using (temp)
        await using (runtime)
        {
            store.Faults["renew"] = 1;

            // The first renewal is due half a second to 0.75 s into the step: a step of 2.5 s is still running then even on
            // a loaded machine. With 1.2 s no refused renewal was logged in one CI run, most likely a tick that came late.
            RunRecord run = await runtime.StartRunAsync<SlowFlow>(new Nap(2500));

            Assert.Equal(2500, (await runtime.WaitForResultAsync<Napped>(run.RunId).WaitAsync(TempStore.Limit)).Milliseconds);
            AssertLogged(log, 123, 1);
        }
    }

    [Fact]
    public async Task A_state_read_the_store_refuses_is_logged_and_the_delivery_runs_later()
    {
        (WorkflowRuntime runtime, FaultyStore store, LogRecorder log, TempStore temp) = await StartAsync(_ => { });
        using (temp)
        await using (runtime)
        {
            store.Faults["state"] = 1;
            RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));

            Assert.Equal("worked", (await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit)).How);
            AssertLogged(log, 129, 1);
            Assert.Equal(1, Assert.Single(await runtime.Store.ReadDeliveriesAsync(run.RunId, default)).Attempt);
        }
    }

    [Fact]
    public async Task A_failed_step_and_its_run_s_end_are_logged_with_the_step_s_exception()
    {
        (WorkflowRuntime runtime, FaultyStore _, LogRecorder log, TempStore temp) = await StartAsync(_ => { });
        using (temp)
        await using (runtime)
        {
            RunRecord run = await runtime.StartRunAsync<DoomedFlow>(new Doomed());
            await runtime.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);

            // The worker logs the end right after its commit, which a waiter may see first.
            DateTime deadline = DateTime.UtcNow + TempStore.Limit;
            while (!log.Of(103).Any() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.IsType<FormatException>(Assert.Single(log.Of(107)).Error);
            Assert.Contains($"Run of DoomedFlow ended Failed ({run.RunId})", Assert.Single(log.Of(103)).Message, StringComparison.Ordinal);
        }
    }

    private async Task<(WorkflowRuntime Runtime, FaultyStore Store, LogRecorder Log, TempStore Temp)> StartAsync(Action<System.Collections.Concurrent.ConcurrentDictionary<string, int>> faults, TimeSpan? lease = null)
    {
        TempStore temp = await NewStoreAsync();
        var log = new LogRecorder();
        FaultyStore? faulty = null;
        WorkflowRuntime runtime = await temp.StartRuntimeAsync(
            options =>
            {
                options.LoggerFactory = log;
                options.Lease = lease ?? options.Lease;
            },
            wrap: inner =>
            {
                faulty = new FaultyStore(inner);
                faults(faulty.Faults);
                return faulty;
            });
        return (runtime, faulty!, log, temp);
    }

    private static void AssertLogged(LogRecorder log, int eventId, int atLeast)
    {
        var entries = log.Of(eventId).ToList();
        Assert.True(entries.Count >= atLeast, $"Expected log event {eventId} at least {atLeast} time(s); it was logged {entries.Count} time(s).");
        Assert.All(entries, e => Assert.Contains(Refused, e.Error?.Message ?? string.Empty, StringComparison.Ordinal));
    }
}

public sealed class SqliteNoSilentFailuresTests : NoSilentFailuresContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNoSilentFailuresTests(PostgresServer server) : NoSilentFailuresContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
