using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// Schedules on a real store with several workers (one on SQLite, three on PostgreSQL): one run per
/// occurrence, overlap and catch-up policies, pause, resume, delete, and bad specs refused.
/// </summary>
public abstract class ScheduleContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    private protected abstract int Workers { get; }

    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private async Task<(TempStore Store, WorkflowRuntime Operator, List<WorkflowRuntime> Workers)> StartAsync(bool workers = true)
    {
        TempStore store = await NewStoreAsync();
        var running = new List<WorkflowRuntime>();
        for (int i = 0; workers && i < Workers; i++)
        {
            running.Add(await store.StartRuntimeAsync());
        }

        return (store, await store.StartRuntimeAsync(o => o.RunWorkers = false), running);
    }

    private static async Task StopAsync(TempStore store, WorkflowRuntime @operator, List<WorkflowRuntime> workers)
    {
        foreach (WorkflowRuntime worker in workers)
        {
            await worker.DisposeAsync();
        }

        await @operator.DisposeAsync();
        store.Dispose();
    }

    private static async Task<List<RunRecord>> RunsOfAsync(WorkflowRuntime runtime, string scheduleId) =>
        [.. (await runtime.ListRunsAsync(new RunQuery(Limit: 1000) { Tags = new Dictionary<string, string> { ["schedule"] = scheduleId } })).Runs];

    [Fact]
    public async Task Every_occurrence_starts_exactly_one_run_however_many_workers_are_up()
    {
        (TempStore store, WorkflowRuntime runtime, List<WorkflowRuntime> workers) = await StartAsync();
        try
        {
            ScheduleRecord schedule = await runtime.ScheduleAsync<FixableFlow>("every-second", new Job("acme"), new ScheduleSpec { Every = Second, Tags = new Dictionary<string, string> { ["team"] = "billing" } });
            Assert.NotNull(schedule.NextDueAt);

            await Task.Delay(TimeSpan.FromSeconds(3.5));
            await runtime.PauseScheduleAsync("every-second");
            await Task.Delay(500);
            List<RunRecord> runs = await RunsOfAsync(runtime, "every-second");

            Assert.InRange(runs.Count, 1, 4);
            Assert.Equal(runs.Count, runs.Select(r => r.IdempotencyKey).Distinct().Count());
            Assert.All(runs, r => Assert.StartsWith("schedule:every-second:", r.IdempotencyKey, StringComparison.Ordinal));
            Assert.All(runs, r => Assert.Equal("billing", r.Tags["team"]));
            foreach (RunRecord run in runs)
            {
                Assert.Equal("acme", (await runtime.WaitForResultAsync<JobDone>(run.RunId).WaitAsync(TempStore.Limit)).Customer);
            }

            // Paused: nothing more starts.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(runs.Count, (await RunsOfAsync(runtime, "every-second")).Count);
            Assert.True((await runtime.GetScheduleAsync("every-second"))!.Paused);
        }
        finally
        {
            await StopAsync(store, runtime, workers);
        }
    }

    [Fact]
    public async Task Overlap_skip_waits_for_the_last_run_and_buffer_one_starts_one_when_it_ends()
    {
        (TempStore store, WorkflowRuntime runtime, List<WorkflowRuntime> workers) = await StartAsync();
        try
        {
            await runtime.ScheduleAsync<SupportFlow>("skip", new Ticket("s"), new ScheduleSpec { Every = Second, Overlap = ScheduleOverlap.Skip });
            await runtime.ScheduleAsync<SupportFlow>("buffer", new Ticket("b"), new ScheduleSpec { Every = Second, Overlap = ScheduleOverlap.BufferOne });
            await runtime.ScheduleAsync<SupportFlow>("allow", new Ticket("a"), new ScheduleSpec { Every = Second, Overlap = ScheduleOverlap.Allow, CatchUp = ScheduleCatchUp.All });

            // Wait for three occurrences by the run count of "allow" rather than by the clock: on a
            // loaded machine a worker's schedule loop may be late, and it then starts what is due at once.
            DateTime threeDue = DateTime.UtcNow + TempStore.Limit;
            while ((await RunsOfAsync(runtime, "allow")).Count < 3)
            {
                Assert.True(DateTime.UtcNow < threeDue, "Three occurrences of the 'allow' schedule did not start in time.");
                await Task.Delay(50);
            }

            Assert.Single(await RunsOfAsync(runtime, "skip"));
            RunRecord first = Assert.Single(await RunsOfAsync(runtime, "buffer"));
            Assert.NotNull((await runtime.GetScheduleAsync("buffer"))!.BufferedOccurrence);

            await DurableRunTests.WaitForStatusAsync(runtime, first.RunId, WorkflowRunStatus.WaitingForInput);
            await runtime.SendEventAsync(first.RunId, new AgentReply("done"));
            await runtime.WaitForCompletionAsync(first.RunId).WaitAsync(TempStore.Limit);
            DateTime deadline = DateTime.UtcNow + TempStore.Limit;
            while ((await RunsOfAsync(runtime, "buffer")).Count < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "The buffered occurrence did not start once the last run ended.");
                await Task.Delay(50);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(2, (await RunsOfAsync(runtime, "buffer")).Count);
        }
        finally
        {
            await StopAsync(store, runtime, workers);
        }
    }

    [Fact]
    public async Task After_downtime_latest_starts_one_run_and_all_starts_every_missed_occurrence()
    {
        (TempStore store, WorkflowRuntime runtime, List<WorkflowRuntime> none) = await StartAsync(workers: false);
        WorkflowRuntime? worker;
        try
        {
            await runtime.ScheduleAsync<FixableFlow>("latest", new Job("l"), new ScheduleSpec { Every = Second, CatchUp = ScheduleCatchUp.Latest });
            await runtime.ScheduleAsync<FixableFlow>("all", new Job("a"), new ScheduleSpec { Every = Second, CatchUp = ScheduleCatchUp.All, Overlap = ScheduleOverlap.Allow });

            ScheduleRecord latest = (await runtime.GetScheduleAsync("latest"))!;
            ScheduleRecord all = (await runtime.GetScheduleAsync("all"))!;

            // No worker is up for about three occurrences; then one comes up, briefly.
            await Task.Delay(TimeSpan.FromSeconds(3.3));
            Assert.Empty(await RunsOfAsync(runtime, "latest"));
            await using (worker = await store.StartRuntimeAsync())
            {
                DateTime deadline = DateTime.UtcNow + TempStore.Limit;
                while ((await RunsOfAsync(runtime, "all")).Count < 3 || (await RunsOfAsync(runtime, "latest")).Count < 1)
                {
                    Assert.True(DateTime.UtcNow < deadline, "The worker did not catch up in time.");
                    await Task.Delay(20);
                }
            }

            List<RunRecord> oneRun = await RunsOfAsync(runtime, "latest");
            List<RunRecord> everyRun = await RunsOfAsync(runtime, "all");
            Assert.True(oneRun.Count < everyRun.Count, $"Latest started {oneRun.Count} run(s), All {everyRun.Count}.");
            Assert.Contains(everyRun, r => r.IdempotencyKey == $"schedule:all:{all.NextDueAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}");
            Assert.DoesNotContain(oneRun, r => r.IdempotencyKey == $"schedule:latest:{latest.NextDueAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}");
        }
        finally
        {
            await StopAsync(store, runtime, none);
        }
    }

    [Fact]
    public async Task Schedules_are_listed_replaced_deleted_and_bad_ones_refused()
    {
        (TempStore store, WorkflowRuntime runtime, List<WorkflowRuntime> workers) = await StartAsync(workers: false);
        try
        {
            ScheduleRecord nightly = await runtime.ScheduleAsync<FixableFlow>("nightly", new Job("n"), new ScheduleSpec { Cron = "0 2 * * *", TimeZone = "Europe/Berlin" });
            DateTimeOffset inBerlin = TimeZoneInfo.ConvertTime(nightly.NextDueAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
            Assert.Equal((2, 0), (inBerlin.Hour, inBerlin.Minute));
            await runtime.ScheduleWorkflowAsync("hourly", "FixableFlow", new Job("h"), new ScheduleSpec { Cron = "0 * * * *" });
            ScheduleRecord replaced = await runtime.ScheduleAsync<FixableFlow>("nightly", new Job("n2"), new ScheduleSpec { Cron = "30 3 * * *", TimeZone = "UTC" });
            Assert.Equal((3, 30), (replaced.NextDueAt!.Value.UtcDateTime.Hour, replaced.NextDueAt.Value.UtcDateTime.Minute));
            Assert.Contains("n2", replaced.StartPayload, StringComparison.Ordinal);
            Assert.Equal(["hourly", "nightly"], (await runtime.ListSchedulesAsync()).Select(s => s.ScheduleId));

            var cron = await Assert.ThrowsAsync<ArgumentException>(() => runtime.ScheduleAsync<FixableFlow>("bad", new Job("x"), new ScheduleSpec { Cron = "every day" }));
            Assert.StartsWith("ScheduleSpec.Cron 'every day' is not a cron expression:", cron.Message, StringComparison.Ordinal);
            var start = await Assert.ThrowsAsync<ArgumentException>(() => runtime.ScheduleAsync<FixableFlow>("bad", new Ticket("x"), new ScheduleSpec { Every = Second }));
            Assert.StartsWith("Workflow 'FixableFlow' starts with 'Job', not 'Ticket'.", start.Message, StringComparison.Ordinal);
            var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => runtime.PauseScheduleAsync("nope"));
            Assert.Equal("No schedule has the id 'nope'.", unknown.Message);
            await Assert.ThrowsAsync<KeyNotFoundException>(() => runtime.ResumeScheduleAsync("nope"));

            Assert.True(await runtime.DeleteScheduleAsync("hourly"));
            Assert.False(await runtime.DeleteScheduleAsync("hourly"));
            Assert.Equal(["nightly"], (await runtime.ListSchedulesAsync()).Select(s => s.ScheduleId));
        }
        finally
        {
            await StopAsync(store, runtime, workers);
        }
    }
}

public sealed class SqliteScheduleTests : ScheduleContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    private protected override int Workers => 1;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresScheduleTests(PostgresServer server) : ScheduleContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());

    private protected override int Workers => 3;
}
