using System.Diagnostics;
using Workflows.Durable.Worker;
using Xunit.Abstractions;

namespace Workflows.Durable.Tests;

/// <summary>
/// Out of the box (default options): a SIGKILLed worker's step runs in another process within the
/// default lease, and an answer sent from one process wakes a worker in another at once — on SQLite
/// through the file's change counter, on PostgreSQL through LISTEN/NOTIFY. Bounds with generous
/// slack; the measured times are written to the test output.
/// </summary>
public abstract class RecoveryContract(ITestOutputHelper output)
{
    private protected abstract Task<TempStore> NewStoreAsync();

    private static async Task<WorkflowRuntime> StartDefaultAsync(TempStore store, bool runWorkers)
    {
        WorkflowRuntime runtime = new WorkflowRuntime(store.NewStore(), new WorkflowRuntimeOptions { RunWorkers = runWorkers })
            .Register(() => new SleepFlow(), RecoveryJson.Default)
            .Register(() => new PingFlow(), RecoveryJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    [Fact]
    public async Task A_killed_workers_step_runs_in_another_process_within_the_default_lease()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), new WorkflowRuntimeOptions().Lease);
        using TempStore store = await NewStoreAsync();
        using WorkerProcess worker = WorkerProcess.Start(store.WorkerArgument, "defaults");
        await worker.WaitUntilServingAsync();
        await using WorkflowRuntime starter = await StartDefaultAsync(store, runWorkers: false);
        string runId = (await starter.StartRunAsync<SleepFlow>(new Sleep(600_000))).RunId;
        await WaitAsync(async () => (await starter.Store.ReadDeliveriesAsync(runId, CancellationToken.None)).Single().Status == DeliveryStatus.Claimed);
        var sinceClaim = Stopwatch.StartNew();

        // An idle worker here, then the worker running the step dies; its step must start here.
        var startedHere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Started() => startedHere.TrySetResult();
        SleepFlow.Started += Started;
        try
        {
            await using WorkflowRuntime survivor = await StartDefaultAsync(store, runWorkers: true);
            await Task.Delay(300);
            Assert.False(startedHere.Task.IsCompleted, "The survivor took a delivery whose lease was held.");
            var sinceKill = Stopwatch.StartNew();
            worker.Kill();
            await startedHere.Task.WaitAsync(TempStore.Limit);
            output.WriteLine($"{GetType().Name}: the step started in another process {sinceKill.ElapsedMilliseconds} ms after its worker was killed ({sinceClaim.ElapsedMilliseconds} ms after it was claimed)");
            Assert.True(sinceKill.Elapsed < TimeSpan.FromSeconds(8), $"Took over after {sinceKill.ElapsedMilliseconds} ms; the default lease is 4 s.");
        }
        finally
        {
            SleepFlow.Started -= Started;
        }
    }

    [Fact]
    public async Task An_answer_from_one_process_wakes_a_worker_in_another_at_once()
    {
        using TempStore store = await NewStoreAsync();
        using WorkerProcess worker = WorkerProcess.Start(store.WorkerArgument, "defaults");
        await worker.WaitUntilServingAsync();
        await using WorkflowRuntime sender = await StartDefaultAsync(store, runWorkers: false);
        var latencies = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            try
            {
                string runId = (await sender.StartRunAsync<PingFlow>(new Ping("p" + i))).RunId;
                await DurableRunTests.WaitForStatusAsync(sender, runId, WorkflowRunStatus.WaitingForInput);

                // Sent at a random point of the worker's 1 s poll interval.
                await Task.Delay(Random.Shared.Next(0, 1000));
                await sender.SendEventAsync(runId, new Pong(DateTimeOffset.UtcNow));
                latencies.Add((await sender.WaitForResultAsync<Ponged>(runId).WaitAsync(TempStore.Limit)).LatencyMilliseconds);
            }
            catch (Exception error) when (error is Xunit.Sdk.XunitException or TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"Run {i + 1} of 7: {error.Message}\n{worker.Describe()}");
            }
        }

        latencies.Sort();
        output.WriteLine($"{GetType().Name}: answer to step running again in the worker process, ms: {string.Join(", ", latencies.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");

        // Waiting for the next poll would give a median near 500 ms (the default poll interval is 1 s).
        Assert.True(latencies[latencies.Count / 2] < 250, $"Median wake-up {latencies[latencies.Count / 2]:F0} ms.");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteRecoveryTests(ITestOutputHelper output) : RecoveryContract(output)
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRecoveryTests(PostgresServer server, ITestOutputHelper output) : RecoveryContract(output)
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
