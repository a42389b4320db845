using System.Data.Common;
using Workflows.Durable.Tests.Flows;
using Workflows.Sql;

namespace Workflows.Durable.Tests;

/// <summary>
/// A run stored under an earlier shape of its workflow: resumed by a build whose changes stored runs
/// read fine (the rules the shipped-shape baseline checks at compile time), refused by one that
/// would strand or misread it. The earlier shape is written into the stored run, as a deploy of the
/// older build would have left it.
/// </summary>
public abstract class ShapeVersionContract
{
    private const string EarlierFingerprint = "00000000000000e1";

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_run_stored_under_a_shape_this_build_only_added_to_goes_on()
    {
        using TempStore store = await NewStoreAsync();
        string runId = await StartWaitingRunAsync(store);

        // The earlier build's StopEvent had no member yet, and the workflow had no StepFailedEvent handling: both only added since.
        await RewriteShapeAsync(store, runId, shape => shape.Replace("Answered { string Text }", "Answered {  }", StringComparison.Ordinal));

        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        await runtime.SendEventAsync(runId, new AgentReply("restart the router"));

        Assert.Equal("restart the router", (await runtime.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit)).Text);
        Assert.Equal(EarlierFingerprint, (await runtime.GetRunAsync(runId))!.Fingerprint);
    }

    [Fact]
    public async Task A_run_stored_under_a_shape_this_build_broke_is_refused_naming_the_change()
    {
        using TempStore store = await NewStoreAsync();
        string runId = await StartWaitingRunAsync(store);

        // The earlier build's StopEvent had a member this build removed: a stored one would lose it.
        await RewriteShapeAsync(store, runId, shape => shape.Replace("Answered { string Text }", "Answered { string Text, int Priority }", StringComparison.Ordinal));

        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(start: false);
        var error = await Assert.ThrowsAsync<WorkflowVersionMismatchException>(() => runtime.StartAsync());

        Assert.Contains(
            $"Run '{runId}' of workflow 'SupportFlow' started under fingerprint {EarlierFingerprint}; this build's is ",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains(", which removes member 'Priority' from event 'Workflows.Durable.Tests.Flows.Answered'. Changed:", error.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await runtime.GetRunAsync(runId))!.Status);
    }

    [Fact]
    public async Task Without_failing_on_incompatible_runs_a_compatible_one_still_goes_on_and_an_incompatible_one_is_left_alone()
    {
        using TempStore store = await NewStoreAsync();
        string incompatible = await StartWaitingRunAsync(store);
        string compatible;
        await using (WorkflowRuntime idle = await store.StartRuntimeAsync(options => options.RunWorkers = false))
        {
            // Stored with its first step still to run: nothing touches it but the workers' claims.
            compatible = (await idle.StartRunAsync<SupportFlow>(new Ticket("no sound"))).RunId;
        }

        await RewriteShapeAsync(store, compatible, shape => shape.Replace("Answered { string Text }", "Answered {  }", StringComparison.Ordinal));
        await RewriteShapeAsync(store, incompatible, shape => shape.Replace("Answered { string Text }", "Answered { string Text, int Priority }", StringComparison.Ordinal), "00000000000000e2");

        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(options => options.FailOnIncompatibleRuns = false);
        await DurableRunTests.WaitForStatusAsync(runtime, compatible, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(compatible, new AgentReply("reboot"));

        Assert.Equal("reboot", (await runtime.WaitForResultAsync<Answered>(compatible).WaitAsync(TempStore.Limit)).Text);
        await Assert.ThrowsAsync<WorkflowVersionMismatchException>(() => runtime.SendEventAsync(incompatible, new AgentReply("reboot")));
        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await runtime.GetRunAsync(incompatible))!.Status);
    }

    private static async Task<string> StartWaitingRunAsync(TempStore store)
    {
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        string runId = (await runtime.StartRunAsync<SupportFlow>(new Ticket("no internet"))).RunId;
        await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.WaitingForInput);
        return runId;
    }

    /// <summary>Writes an earlier shape into a stored run, under <paramref name="fingerprint"/> (each earlier shape has its own, as real builds do).</summary>
    private static async Task RewriteShapeAsync(TempStore store, string runId, Func<string, string> earlier, string fingerprint = EarlierFingerprint)
    {
        await using var sql = (SqlWorkflowStore)store.NewStore();
        await sql.InitializeAsync(CancellationToken.None);
        string shape = (await sql.GetRunAsync(runId, CancellationToken.None))!.Shape;
        string rewritten = earlier(shape);
        Assert.NotEqual(shape, rewritten);
        await sql.WriteAsync(
            async (connection, transaction, ct) =>
            {
                using DbCommand update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = "UPDATE wf_runs SET fingerprint = @f, shape = @s WHERE run_id = @id";
                AddParameter(update, "f", fingerprint);
                AddParameter(update, "s", rewritten);
                AddParameter(update, "id", runId);
                Assert.Equal(1, await update.ExecuteNonQueryAsync(ct));
                return (true, true);
            },
            SqlWriteKind.None,
            CancellationToken.None);
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

public sealed class SqliteShapeVersionTests : ShapeVersionContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresShapeVersionTests(PostgresServer server) : ShapeVersionContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
