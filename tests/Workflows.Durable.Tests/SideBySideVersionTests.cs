using Workflows.Durable.Tests.Flows.SideBySide;

namespace Workflows.Durable.Tests;

/// <summary>
/// Two versions of one workflow registered side by side: runs stored under version 1 finish under
/// version 1 after version 2 is deployed, new runs start on version 2.
/// </summary>
public abstract class SideBySideVersionContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task Runs_started_under_v1_finish_under_v1_after_v2_is_deployed_and_new_runs_start_on_v2()
    {
        using TempStore store = await NewStoreAsync();
        string before;
        await using (WorkflowRuntime v1Only = await StartAsync(store, register: runtime => runtime.Register(() => new ApprovalFlowV1(), SideBySideJson.Default)))
        {
            before = (await v1Only.StartRunAsync<ApprovalFlowV1>(new Request("r1"))).RunId;
            await DurableRunTests.WaitForStatusAsync(v1Only, before, WorkflowRunStatus.WaitingForInput);
        }

        // The deploy: version 2 beside version 1 (registered in either order).
        await using WorkflowRuntime both = await StartAsync(store, register: runtime => runtime
            .Register(() => new ApprovalFlow(), SideBySideJson.Default)
            .Register(() => new ApprovalFlowV1(), SideBySideJson.Default));
        (RunRecord after, bool created) = await both.StartRunAsync("Approval", new Request("r2"));
        await DurableRunTests.WaitForStatusAsync(both, after.RunId, WorkflowRunStatus.WaitingForInput);
        await both.SendEventAsync(before, new Verdict(true));
        await both.SendEventAsync(after.RunId, new Verdict(false));

        Assert.True(created);
        Assert.Equal(new Decided(true, "v1"), await both.WaitForResultAsync<Decided>(before).WaitAsync(TempStore.Limit));
        Assert.Equal(new Decided(false, "v2"), await both.WaitForResultAsync<Decided>(after.RunId).WaitAsync(TempStore.Limit));
        Assert.Equal(1, both.FindWorkflow((await both.GetRunAsync(before))!)!.Version);
        Assert.Equal((typeof(ApprovalFlow), 2), (both.FindWorkflow((await both.GetRunAsync(after.RunId))!)!.Type, both.FindWorkflow("Approval")!.Version));
        Assert.Equal([("Approval", 2)], both.Workflows.Select(w => (w.Name, w.Version)));
        Assert.Equal([2, 1], both.AllVersions.Select(w => w.Version));
    }

    [Fact]
    public async Task An_older_version_starts_no_new_runs_and_one_version_cannot_be_registered_twice()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime both = await StartAsync(store, register: runtime => runtime
            .Register(() => new ApprovalFlowV1(), SideBySideJson.Default)
            .Register(() => new ApprovalFlow(), SideBySideJson.Default));

        var old = await Assert.ThrowsAsync<InvalidOperationException>(() => both.StartRunAsync<ApprovalFlowV1>(new Request("r")));
        var twice = Assert.Throws<InvalidOperationException>(() => new WorkflowRuntime(store.NewStore())
            .Register(() => new ApprovalFlowV1(), SideBySideJson.Default)
            .Register(() => new ApprovalFlowV1(), SideBySideJson.Default));

        Assert.Equal(
            "ApprovalFlowV1 is version 1 of workflow 'Approval', registered to finish the runs stored under it; new runs start on version 2 (ApprovalFlow). Start ApprovalFlow instead.",
            old.Message);
        Assert.Equal(
            "Workflow 'Approval' version 1 is already registered (ApprovalFlowV1); durable runs are stored under a workflow's name and version, so ApprovalFlowV1 needs another [Workflow(Version = …)] or Name.",
            twice.Message);
        Assert.Empty((await both.ListRunsAsync(new RunQuery())).Runs);
    }

    private static async Task<WorkflowRuntime> StartAsync(TempStore store, Func<WorkflowRuntime, WorkflowRuntime> register)
    {
        WorkflowRuntime runtime = register(new WorkflowRuntime(store.NewStore(), new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) }));
        await runtime.StartAsync();
        return runtime;
    }
}

public sealed class SqliteSideBySideVersionTests : SideBySideVersionContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSideBySideVersionTests(PostgresServer server) : SideBySideVersionContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
