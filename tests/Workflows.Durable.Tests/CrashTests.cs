using Workflows.Durable.Worker;
using Workflows.Sqlite;

namespace Workflows.Durable.Tests;

/// <summary>Durability across processes: SIGKILL at random moments, answers from another process, timers across restarts.</summary>
public class CrashTests
{
    private const int Items = 20;

    [Fact]
    public async Task Runs_survive_repeated_SIGKILL_of_their_worker_and_every_one_finishes_exactly_right()
    {
        using var store = new TempStore();

        // This process starts the runs and answers their sign-offs, but executes nothing itself.
        await using WorkflowRuntime tester = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        var runs = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            runs.Add((await tester.StartRunAsync<CrashFlow>(new Batch(Items), new DurableRunOptions { IdempotencyKey = $"batch-{i}" })).RunId);
        }

        var random = new Random(20261121);
        int kills = 0;
        WorkerProcess worker = WorkerProcess.Start(store.Path);
        DateTime killAt = DateTime.UtcNow.AddMilliseconds(random.Next(150, 700));
        DateTime deadline = DateTime.UtcNow.AddSeconds(120);
        try
        {
            while (true)
            {
                RunPage open = await tester.ListRunsAsync(new RunQuery(Status: WorkflowRunStatus.WaitingForInput, Limit: 100));
                foreach (RunRecord waiting in open.Runs)
                {
                    await tester.SendEventAsync(waiting.RunId, new Signed("tester"));
                }

                RunPage done = await tester.ListRunsAsync(new RunQuery(Workflow: nameof(CrashFlow), Limit: 100));
                if (done.Runs.All(r => r.IsFinished))
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"Runs did not finish: {string.Join(", ", done.Runs.Where(r => !r.IsFinished).Select(r => r.Status))}");
                if (kills < 8 && DateTime.UtcNow >= killAt)
                {
                    worker.Kill();
                    worker.Dispose();
                    kills++;
                    worker = WorkerProcess.Start(store.Path);
                    killAt = DateTime.UtcNow.AddMilliseconds(random.Next(150, 700));
                }

                await Task.Delay(50);
            }
        }
        finally
        {
            worker.Dispose();
        }

        Assert.Equal(8, kills);
        int rerun = 0;
        int expected = Enumerable.Range(1, Items).Sum(CrashFlow.WeightOf);
        foreach (string runId in runs)
        {
            Assert.Equal(new BatchDone(expected, Items, "tester"), await tester.WaitForResultAsync<BatchDone>(runId));
            IReadOnlyList<StoredEvent> journal = await tester.ReadEventsAsync(runId, 0, 10_000);

            // A committed delivery that ran again would record its output again: every output is there exactly once.
            Assert.Equal(Items, journal.Count(e => e.Type.EndsWith("+Item", StringComparison.Ordinal) || e.Type.EndsWith(".Item", StringComparison.Ordinal)));
            List<StoredEvent> weighed = [.. journal.Where(e => e.Type.EndsWith(".Weighed", StringComparison.Ordinal))];
            Assert.Equal(Items, weighed.Count);
            Assert.Equal(Items, weighed.Select(e => e.Payload).Distinct().Count());
            Assert.Single(journal, e => e.Type.EndsWith(".Weighted", StringComparison.Ordinal));
            Assert.Single(journal, e => e.Type.EndsWith(".Signoff", StringComparison.Ordinal));
            Assert.Single(journal, e => e.Kind == EventRecordKind.Timer);
            Assert.Single(journal, e => e.Kind == EventRecordKind.External);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(e => e.Sequence));
            IReadOnlyList<DeliveryRecord> deliveries = await tester.Store.ReadDeliveriesAsync(runId, CancellationToken.None);
            Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Done, d.Status));
            rerun += deliveries.Count(d => d.Executions > 1);
        }

        // Kills landed mid-step: some deliveries ran more than once (at-least-once), yet none of their outputs doubled.
        Assert.True(rerun > 0, "No delivery was interrupted by a kill; the test proved nothing about recovery.");
    }

    [Fact]
    public async Task A_run_started_in_one_process_is_answered_and_completed_from_another()
    {
        using var store = new TempStore();
        string runId;
        using (WorkerProcess first = WorkerProcess.Start(store.Path, "start", "1", "3"))
        {
            runId = (await first.WaitUntilServingAsync()).Single();
            await using WorkflowRuntime reader = await store.StartRuntimeAsync(o => o.RunWorkers = false);
            await DurableRunTests.WaitForStatusAsync(reader, runId, WorkflowRunStatus.WaitingForInput);
        }

        // The first process is gone; this one answers, and its own workers finish the run.
        await using WorkflowRuntime second = await store.StartRuntimeAsync();
        await second.SendEventAsync(runId, new Signed("second process"));
        BatchDone done = await second.WaitForResultAsync<BatchDone>(runId).WaitAsync(TempStore.Limit);

        Assert.Equal("second process", done.SignedBy);
        Assert.Equal(Enumerable.Range(1, 3).Sum(CrashFlow.WeightOf), done.Total);
    }

    [Fact]
    public async Task A_timer_fires_after_a_restart_that_happened_while_it_was_pending()
    {
        using var store = new TempStore();
        string runId;
        DateTimeOffset armedAt;
        await using (WorkflowRuntime first = await store.StartRuntimeAsync())
        {
            runId = (await first.StartRunAsync<Flows.TimerFlow>(new Flows.Schedule(Seconds: 3))).RunId;
            StoredEvent timer = await WaitForAsync(first, runId, e => e.Kind == EventRecordKind.Timer);
            armedAt = timer.CreatedAt;
        }

        // Nothing runs for a second; then a fresh runtime (a restarted process) picks the timer up.
        await Task.Delay(1000);
        await using WorkflowRuntime second = await store.StartRuntimeAsync();
        Flows.Woke woke = await second.WaitForResultAsync<Flows.Woke>(runId).WaitAsync(TempStore.Limit);

        Assert.True(woke.WokeAt - armedAt >= TimeSpan.FromSeconds(2.9), $"fired after {woke.WokeAt - armedAt}");
        Assert.True(woke.WokeAt - armedAt < TimeSpan.FromSeconds(10), $"fired after {woke.WokeAt - armedAt}");
    }

    private static async Task<StoredEvent> WaitForAsync(WorkflowRuntime runtime, string runId, Func<StoredEvent, bool> match)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (true)
        {
            if ((await runtime.ReadEventsAsync(runId)).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "The event was never recorded.");
            await Task.Delay(20);
        }
    }
}
