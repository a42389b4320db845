using Npgsql;
using Workflows.Durable.Worker;

namespace Workflows.Durable.Tests;

/// <summary>PostgreSQL's group commit when a write meets a row another transaction holds.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupCommitTests(PostgresServer server)
{
    [Fact]
    public async Task A_commit_that_meets_a_held_run_row_commits_once_the_row_is_free_without_running_its_step_again()
    {
        string connectionString = await server.CreateDatabaseAsync();
        using var store = new TempStore(connectionString);
        await using WorkflowRuntime runtime = new WorkflowRuntime(store.NewStore(), new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) })
            .Register(() => new SleepFlow(), RecoveryJson.Default);
        await runtime.StartAsync();
        string runId = (await runtime.StartRunAsync<SleepFlow>(new Sleep(300))).RunId;
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while ((await runtime.Store.ReadDeliveriesAsync(runId, CancellationToken.None)).Single().Status != DeliveryStatus.Claimed)
        {
            Assert.True(DateTime.UtcNow < deadline, "The step never started.");
            await Task.Delay(10);
        }

        // Another transaction holds the run's row well past the step's end. The commit waits at most
        // 100 ms at a time for it and goes into later batches meanwhile; it must neither fail (which
        // would run the step again) nor hold up the writer.
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync();
        await using NpgsqlTransaction held = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM wf_runs WHERE run_id = @id FOR UPDATE", holder, held))
        {
            hold.Parameters.AddWithValue("id", runId);
            await hold.ExecuteScalarAsync();
        }

        await Task.Delay(1200);
        Assert.False((await runtime.GetRunAsync(runId))!.IsFinished, "The run committed while its row was held.");
        string other = (await runtime.StartRunAsync<SleepFlow>(new Sleep(1))).RunId;
        await runtime.WaitForResultAsync<Slept>(other).WaitAsync(TempStore.Limit);
        await held.CommitAsync();

        await runtime.WaitForResultAsync<Slept>(runId).WaitAsync(TempStore.Limit);
        DeliveryRecord delivery = Assert.Single(await runtime.Store.ReadDeliveriesAsync(runId, CancellationToken.None));
        Assert.Equal(1, delivery.Attempt);
        Assert.Equal(1, delivery.Executions);
    }
}
