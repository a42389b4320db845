using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Workflows.Durable.Worker;
using Xunit.Abstractions;

namespace Workflows.Durable.Tests;

/// <summary>
/// A long soak under kills: worker processes SIGKILLed at random, over and over, while orders with a
/// fan-out through a globally limited queue, retries, a question answered from this process, a
/// durable timer and a child run keep going, and a schedule starts a run every second. At the end every
/// order has its exact result, no recorded output appears twice, every schedule occurrence started
/// exactly one run with none missing, and the queue's limit was never exceeded — measured by sampling
/// the store throughout, with the definition the claims enforce. Stops by itself: a fixed number of
/// kills, then the work drains.
/// </summary>
public abstract class SoakContract(ITestOutputHelper output)
{
    private const int Parts = 5;
    private const string Answer = "tester";
    private const string Schedule = "tick";

    private protected abstract Task<TempStore> NewStoreAsync();

    /// <summary>Worker processes at once.</summary>
    private protected abstract int Workers { get; }

    /// <summary>SIGKILLs in all (the two stores' soaks together make at least 300).</summary>
    private protected abstract int Kills { get; }

    private protected abstract DbConnection OpenRaw(TempStore store);

    [Fact]
    public async Task Every_run_ends_exactly_right_through_hundreds_of_kills()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime tester = await store.StartRuntimeAsync(
            o =>
            {
                o.RunWorkers = false;
                o.Queues[SoakFlow.Queue] = new QueueOptions { Concurrency = SoakFlow.QueueLimit };
            },
            start: false);
        tester.Register(() => new SoakFlow(), SoakJson.Default).Register(() => new DoubleFlow(), SoakJson.Default).Register(() => new TickFlow(), SoakJson.Default);
        await tester.StartAsync();
        ScheduleRecord schedule = await tester.ScheduleAsync<TickFlow>(
            Schedule, new Tick("t"), new ScheduleSpec { Every = TimeSpan.FromSeconds(1), Overlap = ScheduleOverlap.Allow, CatchUp = ScheduleCatchUp.All });

        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        Task<int> queuePeak = SampleQueueAsync(store, sampling.Token);
        var workers = new WorkerProcess?[Workers];
        var serving = new Task[Workers];
        var orders = new List<(int Id, string RunId)>();
        int kills = 0;
        try
        {
            for (int i = 0; i < Workers; i++)
            {
                (workers[i], serving[i]) = StartWorker(store);
            }

            // Kill phase: a random worker dies every so often; it comes back at once (as a supervisor
            // would restart it); orders keep arriving and questions keep being answered from here.
            while (kills < Kills)
            {
                if (orders.Count < 8 + kills / 3)
                {
                    int id = orders.Count + 1;
                    orders.Add((id, (await tester.StartRunAsync<SoakFlow>(new SoakOrder(id, Parts), new DurableRunOptions { IdempotencyKey = $"order-{id}" })).RunId));
                }

                await AnswerWaitingAsync(tester);
                await Task.Delay(Random.Shared.Next(150, 700) / Workers);

                // Each incarnation is killed only once it serves; its replacement starts while the others work on.
                int victim = Random.Shared.Next(Workers);
                await serving[victim].WaitAsync(TempStore.Limit);
                workers[victim]!.Dispose();
                kills++;
                (workers[victim], serving[victim]) = StartWorker(store);
            }

            await Task.WhenAll(serving).WaitAsync(TempStore.Limit);

            output.WriteLine($"{GetType().Name}: {kills} kills in {clock.Elapsed.TotalSeconds:0} s, {orders.Count} orders started");

            // Drain: no more kills; every order must end.
            DateTime deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                await AnswerWaitingAsync(tester);
                int open = 0;
                foreach ((int _, string runId) in orders)
                {
                    open += (await tester.GetRunAsync(runId))!.IsFinished ? 0 : 1;
                }

                if (open == 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{open} of {orders.Count} orders did not finish after the kills stopped.");
                await Task.Delay(200);
            }

            // Let the schedule catch up on what it missed while workers were down, then stop it.
            await Task.Delay(2500);
            await tester.PauseScheduleAsync(Schedule);
            await Task.Delay(500);
        }
        finally
        {
            foreach (WorkerProcess? worker in workers)
            {
                worker?.Dispose();
            }

            await sampling.CancelAsync();
        }

        int peak = await queuePeak;
        output.WriteLine($"{GetType().Name}: queue '{SoakFlow.Queue}' peaked at {peak} claimed at once (limit {SoakFlow.QueueLimit}); done in {clock.Elapsed.TotalSeconds:0} s");
        Assert.Equal(Kills, kills);
        Assert.InRange(peak, 1, SoakFlow.QueueLimit);

        foreach ((int id, string runId) in orders)
        {
            RunRecord run = (await tester.GetRunAsync(runId))!;
            Assert.True(run.Status == WorkflowRunStatus.Completed, $"Order {id} ended {run.Status}: {run.Error}");
            Assert.Equal(SoakFlow.Expected(id, Parts, Answer), await tester.WaitForResultAsync<SoakDone>(runId));
            await AssertRecordedOnceAsync(tester, runId, $"order {id}");

            RunRecord child = Assert.Single((await tester.ListRunsAsync(new RunQuery { ParentRunId = runId })).Runs);
            Assert.Equal(WorkflowRunStatus.Completed, child.Status);
            await AssertRecordedOnceAsync(tester, child.RunId, $"order {id}'s child");
        }

        await AssertEveryOccurrenceStartedOnceAsync(tester, schedule);
    }

    private static (WorkerProcess Worker, Task Serving) StartWorker(TempStore store)
    {
        WorkerProcess worker = WorkerProcess.Start(store.WorkerArgument);
        return (worker, worker.WaitUntilServingAsync());
    }

    private static async Task AnswerWaitingAsync(WorkflowRuntime tester)
    {
        foreach (RunRecord waiting in (await tester.ListRunsAsync(new RunQuery(Workflow: "SoakFlow", Status: WorkflowRunStatus.WaitingForInput, Limit: 100))).Runs)
        {
            await tester.SendEventAsync(waiting.RunId, new Released(Answer));
        }
    }

    /// <summary>Every event a run recorded is there once: no committed output was recorded twice.</summary>
    private static async Task AssertRecordedOnceAsync(WorkflowRuntime tester, string runId, string what)
    {
        IReadOnlyList<StoredEvent> journal = await tester.ReadEventsAsync(runId, 0, 10_000);
        var twice = journal.GroupBy(e => (e.Kind, e.Type, e.Payload)).Where(g => g.Count() > 1).Select(g => $"{g.Key.Type} {g.Key.Payload} ×{g.Count()}").ToList();
        Assert.True(twice.Count == 0, $"{what} recorded outputs more than once: {string.Join("; ", twice)}");
    }

    /// <summary>The schedule's runs: one per occurrence, every second from its first to its last, none missing, none twice.</summary>
    private static async Task AssertEveryOccurrenceStartedOnceAsync(WorkflowRuntime tester, ScheduleRecord schedule)
    {
        IReadOnlyList<RunRecord> ticks = (await tester.ListRunsAsync(new RunQuery(Workflow: "TickFlow", Limit: 1000))).Runs;
        string prefix = $"schedule:{Schedule}:";
        var occurrences = ticks.Select(r => DateTimeOffset.Parse(r.IdempotencyKey![prefix.Length..], CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        Assert.True(occurrences.Count >= 20, $"Only {occurrences.Count} occurrences started.");
        Assert.InRange(occurrences[0], schedule.CreatedAt, schedule.CreatedAt + TimeSpan.FromSeconds(2));
        for (int i = 1; i < occurrences.Count; i++)
        {
            Assert.True(occurrences[i] - occurrences[i - 1] == TimeSpan.FromSeconds(1), $"Occurrences missing between {occurrences[i - 1]:O} and {occurrences[i]:O}.");
        }

        Assert.All(ticks, t => Assert.Equal(WorkflowRunStatus.Completed, t.Status));
    }

    /// <summary>
    /// The most deliveries of the queue claimed under a live lease at once, sampled every few
    /// milliseconds — the count the claims hold to the limit (a dead worker's claim counts until its lease runs out).
    /// </summary>
    private async Task<int> SampleQueueAsync(TempStore store, CancellationToken stop)
    {
        int peak = 0;
        await using DbConnection connection = OpenRaw(store);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            using DbCommand count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM wf_deliveries WHERE queue = '{SoakFlow.Queue}' AND status = {(int)DeliveryStatus.Claimed} AND lease_expires > {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
            try
            {
                peak = Math.Max(peak, Convert.ToInt32(await count.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture));
            }
            catch (SqliteException error) when (error.SqliteErrorCode == 5)
            {
                // The file was busy for longer than the timeout: sample again.
            }

            try
            {
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }
}

public sealed class SqliteSoakTests(ITestOutputHelper output) : SoakContract(output)
{
    private protected override int Workers => 1;

    private protected override int Kills => 130;

    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    private protected override DbConnection OpenRaw(TempStore store) => new SqliteConnection($"Data Source={store.Path};Default Timeout=5");
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSoakTests(PostgresServer server, ITestOutputHelper output) : SoakContract(output)
{
    private string _connectionString = string.Empty;

    private protected override int Workers => 3;

    private protected override int Kills => 170;

    private protected override async Task<TempStore> NewStoreAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return new TempStore(_connectionString);
    }

    private protected override DbConnection OpenRaw(TempStore store) => new NpgsqlConnection(_connectionString);
}
