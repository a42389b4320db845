using Microsoft.Data.Sqlite;
using Workflows.Durable.Tests.Flows;
using Workflows.Sqlite;

namespace Workflows.Durable.Tests;

/// <summary>Every rejected input gets a clear exception naming the problem, and changes nothing stored.</summary>
public class BadInputTests
{
    [Fact]
    public async Task A_file_that_is_not_a_database_is_rejected_untouched()
    {
        using var store = new TempStore();
        byte[] bytes = "this is a text file, not a database, and it must stay exactly like this"u8.ToArray();
        await File.WriteAllBytesAsync(store.Path, bytes);

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.Equal($"'{store.Path}' is not a SQLite database, so it cannot be a Workflows store; nothing was changed.", error.Message);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.Path));
    }

    [Fact]
    public async Task Another_applications_database_is_rejected_untouched()
    {
        using var store = new TempStore();
        await SqliteFile.ExecuteAsync(store.Path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ana')");
        byte[] before = await File.ReadAllBytesAsync(store.Path);

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.StartsWith($"'{store.Path}' is not a Workflows store: it has tables (customers) but no wf_meta.", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(store.Path));
    }

    [Fact]
    public async Task A_store_missing_a_table_is_rejected()
    {
        using var store = new TempStore();
        await (await store.StartRuntimeAsync()).DisposeAsync();
        await SqliteFile.ExecuteAsync(store.Path, "DROP TABLE wf_state");

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.Equal($"'{store.Path}' is a Workflows store but its table wf_state is missing; it was damaged or altered. Restore it from a backup.", error.Message);
    }

    [Fact]
    public async Task A_damaged_file_is_rejected()
    {
        using var store = new TempStore();
        await using (WorkflowRuntime runtime = await store.StartRuntimeAsync())
        {
            for (int i = 0; i < 50; i++)
            {
                await runtime.StartRunAsync<SupportFlow>(new Ticket(new string('x', 500)));
            }
        }

        await SqliteFile.ExecuteAsync(store.Path, "PRAGMA wal_checkpoint(TRUNCATE)");
        SqliteConnection.ClearAllPools();
        await using (FileStream file = File.Open(store.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            // Overwrite pages in the middle of the file with garbage.
            file.Seek(file.Length / 2, SeekOrigin.Begin);
            await file.WriteAsync(Enumerable.Repeat((byte)0xA5, 8192).ToArray());
        }

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_run_id_is_named()
    {
        using var store = new TempStore();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        var error = await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => runtime.SendEventAsync("no-such-run", new AgentReply("hi")));

        Assert.Equal("No workflow run has the id 'no-such-run'.", error.Message);
        Assert.Null(await runtime.GetRunAsync("no-such-run"));
        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => runtime.CancelAsync("no-such-run"));
    }

    [Fact]
    public async Task An_event_the_run_does_not_accept_is_rejected_and_nothing_is_recorded()
    {
        using var store = new TempStore();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("x"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        IReadOnlyList<StoredEvent> before = await runtime.ReadEventsAsync(run.RunId);

        var foreign = await Assert.ThrowsAsync<ArgumentException>(() => runtime.SendEventAsync(run.RunId, new Approval(true, "ana")));
        var wrongStart = await Assert.ThrowsAsync<ArgumentException>(() => runtime.StartRunAsync<SupportFlow>(new Order("o", 1)));

        Assert.StartsWith("Workflow 'SupportFlow' has no step that accepts 'Approval' and no step is waiting for one. It accepts from outside: AgentReply.", foreign.Message, StringComparison.Ordinal);
        Assert.StartsWith("Workflow 'SupportFlow' starts with 'Ticket', not 'Order'.", wrongStart.Message, StringComparison.Ordinal);
        Assert.Equal(before, await runtime.ReadEventsAsync(run.RunId));
        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await runtime.GetRunAsync(run.RunId))!.Status);
    }

    [Fact]
    public async Task A_run_started_under_another_shape_of_its_workflow_is_not_resumed_and_says_what_changed()
    {
        using var store = new TempStore();
        string runId;
        await using (WorkflowRuntime v1 = new WorkflowRuntime(new SqliteWorkflowStore(store.Path), new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) })
            .Register(() => new Flows.V1.VersionedFlow(), VersionJson.Default))
        {
            await v1.StartAsync();
            runId = (await v1.StartRunAsync<Flows.V1.VersionedFlow>(new Flows.V1.Begin(1))).RunId;
            await DurableRunTests.WaitForStatusAsync(v1, runId, WorkflowRunStatus.WaitingForInput);
        }

        await using WorkflowRuntime v2 = new WorkflowRuntime(new SqliteWorkflowStore(store.Path), new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) })
            .Register(() => new Flows.V2.VersionedFlow(), VersionJson.Default);
        var error = await Assert.ThrowsAsync<WorkflowVersionMismatchException>(() => v2.StartAsync());

        Assert.Contains("1 unfinished run(s) started under another shape of their workflow; they were not resumed and nothing was changed.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Run '{runId}' of workflow 'VersionedFlow' started under fingerprint", error.Message, StringComparison.Ordinal);
        Assert.Contains("  - event global::Workflows.Durable.Tests.Flows.V1.End { int N }", error.Message, StringComparison.Ordinal);
        Assert.Contains("  + event global::Workflows.Durable.Tests.Flows.V2.End { int N, string Note }", error.Message, StringComparison.Ordinal);
        var send = await Assert.ThrowsAsync<WorkflowVersionMismatchException>(() => v2.SendEventAsync(runId, new Flows.V2.Resume(2)));
        Assert.StartsWith($"Run '{runId}' of workflow 'VersionedFlow' started under fingerprint", send.Message, StringComparison.Ordinal);
    }
}
