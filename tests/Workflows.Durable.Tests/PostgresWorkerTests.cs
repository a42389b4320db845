using Workflows.Durable.Worker;

namespace Workflows.Durable.Tests;

/// <summary>Many workers on many processes sharing one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkerTests(PostgresServer server)
{
    private const int Items = 12;

    [Fact]
    public async Task Three_worker_processes_share_the_runs_and_survive_one_being_killed_mid_run()
    {
        using var store = new TempStore(await server.CreateDatabaseAsync());
        await using WorkflowRuntime tester = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        var runs = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            runs.Add((await tester.StartRunAsync<CrashFlow>(new Batch(Items))).RunId);
        }

        var workers = new List<WorkerProcess> { WorkerProcess.Start(store.WorkerArgument), WorkerProcess.Start(store.WorkerArgument), WorkerProcess.Start(store.WorkerArgument) };
        try
        {
            bool killed = false;
            DateTime deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                RunPage all = await tester.ListRunsAsync(new RunQuery(Limit: 100));

                // Kill one worker once work is well under way: its leases expire and the others take its deliveries over.
                // Checked before any answer is sent, so no run can finish before the kill.
                if (!killed && all.Runs.Count(r => r.Status == WorkflowRunStatus.WaitingForInput || r.IsFinished) >= 3)
                {
                    workers[0].Kill();
                    killed = true;
                }

                if (all.Runs.All(r => r.IsFinished))
                {
                    break;
                }

                if (killed)
                {
                    foreach (RunRecord waiting in all.Runs.Where(r => r.Status == WorkflowRunStatus.WaitingForInput))
                    {
                        await tester.SendEventAsync(waiting.RunId, new Signed("tester"));
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, "Runs did not finish in time.");
                await Task.Delay(50);
            }

            Assert.True(killed, "The work finished before a worker could be killed.");
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }

        int expected = Enumerable.Range(1, Items).Sum(CrashFlow.WeightOf);
        var executors = new HashSet<string>();
        bool moved = false;
        foreach (string runId in runs)
        {
            Assert.Equal(new BatchDone(expected, Items, "tester"), await tester.WaitForResultAsync<BatchDone>(runId));
            IReadOnlyList<StoredEvent> journal = await tester.ReadEventsAsync(runId, 0, 10_000);
            Assert.Equal(Items, journal.Where(e => e.Type.EndsWith(".Weighed", StringComparison.Ordinal)).Select(e => e.Payload).Distinct().Count());
            Assert.Equal(Items, journal.Count(e => e.Type.EndsWith(".Weighed", StringComparison.Ordinal)));
            IReadOnlyList<DeliveryRecord> deliveries = await tester.Store.ReadDeliveriesAsync(runId, CancellationToken.None);
            Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Done, d.Status));
            var byWorker = deliveries.Select(d => d.Worker!).Distinct().ToList();
            executors.UnionWith(byWorker);
            moved |= byWorker.Count > 1;
        }

        // Every process did work, and runs moved between processes step by step.
        Assert.Equal(3, executors.Count);
        Assert.True(moved, "No run had steps executed by more than one worker.");
    }
}
