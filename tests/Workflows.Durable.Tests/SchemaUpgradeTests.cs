using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>Stores written by earlier builds are upgraded in place and keep their runs; stores of newer builds are left alone.</summary>
public sealed class SchemaUpgradeTests
{
    /// <summary>What versions 3 and later added (up to the current one), taken away again: a store as version 2 left it (webhook tables aside).</summary>
    internal const string AfterVersion2 =
        "DROP INDEX wf_runs_finished; ALTER TABLE wf_runs DROP COLUMN finished_at; CREATE INDEX wf_runs_finished ON wf_runs (updated_at) WHERE status IN (1, 2, 3, 4); " +
        "ALTER TABLE wf_events DROP COLUMN lineage; DROP TABLE wf_task_assignees; DROP TABLE wf_tasks; ALTER TABLE wf_run_changes DROP COLUMN task_id; ALTER TABLE wf_run_changes DROP COLUMN task_change; DROP INDEX wf_deliveries_due; ALTER TABLE wf_deliveries DROP COLUMN priority; ALTER TABLE wf_runs DROP COLUMN title; ALTER TABLE wf_deliveries DROP COLUMN recorded; DROP INDEX wf_runs_workflow_status; DROP INDEX wf_deliveries_queue; DROP INDEX wf_deliveries_queue_started; ALTER TABLE wf_deliveries DROP COLUMN queue; ALTER TABLE wf_deliveries DROP COLUMN started_at; " +
        "ALTER TABLE wf_runs DROP COLUMN priority; ALTER TABLE wf_runs DROP COLUMN partition_key; " +
        "DROP TABLE wf_schedules; DROP INDEX wf_runs_finished; DROP INDEX wf_runs_created; DROP TABLE wf_run_tags; ALTER TABLE wf_runs DROP COLUMN failed_delivery_id; " +
        "DROP INDEX wf_runs_parent; DROP INDEX wf_runs_deadline; DROP INDEX wf_deliveries_wait_until; " +
        "ALTER TABLE wf_runs DROP COLUMN parent_run_id; ALTER TABLE wf_runs DROP COLUMN parent_delivery_id; ALTER TABLE wf_runs DROP COLUMN trace_parent; " +
        "ALTER TABLE wf_runs DROP COLUMN deadline_at; ALTER TABLE wf_runs DROP COLUMN timeout_ms; ALTER TABLE wf_runs DROP COLUMN open_questions; " +
        "ALTER TABLE wf_deliveries DROP COLUMN wait_until; ALTER TABLE wf_runs DROP COLUMN failure; ";

    private static readonly string Current = Workflows.Sql.SqlDialect.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_store_written_by_schema_version_2_is_upgraded_and_its_runs_go_on()
    {
        using var store = new TempStore();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-v2.db"), store.Path);

        await using (WorkflowRuntime runtime = await store.StartRuntimeAsync())
        {
            DateTimeOffset upgraded = DateTimeOffset.UtcNow;
            RunRecord waiting = (await runtime.GetRunAsync("v2-waiting"))!;
            Assert.Equal((WorkflowRunStatus.WaitingForInput, "ticket-v2"), (waiting.Status, waiting.IdempotencyKey));
            Assert.Equal(WorkflowRunStatus.Completed, (await runtime.GetRunAsync("v2-completed"))!.Status);
            Assert.Equal(new Answered("done in v2"), await runtime.WaitForResultAsync<Answered>("v2-completed"));
            RunRecord failed = (await runtime.GetRunAsync("v2-failed"))!;
            Assert.Equal((WorkflowRunStatus.Failed, "Step 'Explode' failed after 1 attempt(s): System.FormatException: bad input", (RunFailure?)null), (failed.Status, failed.Error, failed.Failure));

            // The idempotency key still finds the run, and the run still takes its answer.
            Assert.Equal("v2-waiting", (await runtime.StartRunAsync<SupportFlow>(new Ticket("again"), new DurableRunOptions { IdempotencyKey = "ticket-v2" })).RunId);
            await runtime.SendEventAsync("v2-waiting", new AgentReply("answered after the upgrade"));
            Assert.Equal(new Answered("answered after the upgrade"), await runtime.WaitForResultAsync<Answered>("v2-waiting").WaitAsync(TempStore.Limit));

            // The runs that had ended before the upgrade keep when they ended (version 14 took it from when they last changed).
            Assert.Equal(2, await runtime.PurgeAsync(new PurgeQuery { FinishedBefore = upgraded }));
            Assert.Equal(["v2-waiting"], (await runtime.ListRunsAsync(new RunQuery())).Runs.Select(r => r.RunId));
        }

        Assert.Equal(Current, await SqliteFile.ScalarAsync(store.Path, "SELECT value FROM wf_meta WHERE key = 'version'"));
        Assert.Equal(1L, await SqliteFile.ScalarAsync(store.Path, "SELECT COUNT(*) FROM wf_webhooks"));
    }

    [Fact]
    public async Task A_version_1_store_is_upgraded_in_place_and_keeps_its_runs()
    {
        using var store = new TempStore();
        string runId;
        await using (WorkflowRuntime runtime = await store.StartRuntimeAsync())
        {
            runId = (await runtime.StartRunAsync<SupportFlow>(new Ticket("old"))).RunId;
            await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.WaitingForInput);
        }

        await SqliteFile.ExecuteAsync(store.Path, AfterVersion2 + "DROP TABLE wf_run_changes; UPDATE wf_meta SET value = '1' WHERE key = 'version'");

        await using (WorkflowRuntime upgraded = await store.StartRuntimeAsync())
        {
            await upgraded.Store.SetRunChangeFeedAsync(true, default);
            await upgraded.SendEventAsync(runId, new AgentReply("still here"));
            Assert.Equal(new Answered("still here"), await upgraded.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit));
            Assert.NotEmpty(await upgraded.Store.ReadRunChangesAsync(10, default));
        }

        Assert.Equal(Current, await SqliteFile.ScalarAsync(store.Path, "SELECT value FROM wf_meta WHERE key = 'version'"));
    }

    [Fact]
    public async Task A_store_from_a_newer_build_is_rejected_untouched()
    {
        using var store = new TempStore();
        await (await store.StartRuntimeAsync()).DisposeAsync();
        await SqliteFile.ExecuteAsync(store.Path, "UPDATE wf_meta SET value = '99' WHERE key = 'version'");

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.Equal($"'{store.Path}' is a Workflows store of schema version 99, written by a newer build; this build reads versions up to {Current}. Nothing was changed.", error.Message);
        Assert.Equal("99", await SqliteFile.ScalarAsync(store.Path, "SELECT value FROM wf_meta WHERE key = 'version'"));
    }
}

/// <summary>The same upgrade on PostgreSQL: a version 2 database keeps its runs and its webhook tables.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaUpgradeTests(PostgresServer server)
{
    [Fact]
    public async Task A_version_2_database_is_upgraded_in_place_and_keeps_its_runs()
    {
        string database = await server.CreateDatabaseAsync();
        using var store = new TempStore(database);
        string runId;
        await using (WorkflowRuntime runtime = await store.StartRuntimeAsync())
        {
            runId = (await runtime.StartRunAsync<SupportFlow>(new Ticket("old"))).RunId;
            await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.WaitingForInput);
        }

        // Back to what version 2 wrote: no failure column, and the webhook tables it made in the journal's own step.
        await ExecuteAsync(database, SchemaUpgradeTests.AfterVersion2 + "UPDATE wf_meta SET value = '2' WHERE key = 'version'; CREATE TABLE wf_webhooks (webhook_id TEXT PRIMARY KEY)");

        await using (WorkflowRuntime upgraded = await store.StartRuntimeAsync())
        {
            await upgraded.SendEventAsync(runId, new AgentReply("still here"));
            Assert.Equal(new Answered("still here"), await upgraded.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit));
        }

        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var version = new Npgsql.NpgsqlCommand("SELECT value FROM wf_meta WHERE key = 'version'", connection);
        Assert.Equal(Workflows.Sql.SqlDialect.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), await version.ExecuteScalarAsync());
        await using var webhooks = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM wf_webhooks", connection);
        Assert.Equal(0L, await webhooks.ExecuteScalarAsync());
        await AssertStepCommitsUpdateRunsInPlaceAsync(database);
    }

    [Fact]
    public async Task A_steps_commit_changes_no_indexed_column_of_its_run_and_its_page_has_room_for_the_new_version()
    {
        string database = await server.CreateDatabaseAsync();
        using var store = new TempStore(database);
        await (await store.StartRuntimeAsync()).DisposeAsync();

        await AssertStepCommitsUpdateRunsInPlaceAsync(database);
    }

    /// <summary>
    /// A step's commit changes only the run's updated_at and next_seq: with neither in any index of wf_runs (nor in an index's
    /// condition) and room left on its page, PostgreSQL updates the row in place (a heap-only update: no index entry, less WAL).
    /// </summary>
    private static async Task AssertStepCommitsUpdateRunsInPlaceAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        var indexes = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE tablename = 'wf_runs' AND schemaname = current_schema()", connection))
        await using (Npgsql.NpgsqlDataReader reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add(reader.GetString(0));
            }
        }

        Assert.Contains(indexes, i => i.Contains("wf_runs_finished ON public.wf_runs USING btree (finished_at)", StringComparison.Ordinal));
        Assert.DoesNotContain(indexes, i => i.Contains("updated_at", StringComparison.Ordinal) || i.Contains("next_seq", StringComparison.Ordinal));
        await using var options = new Npgsql.NpgsqlCommand("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'wf_runs' AND relnamespace = current_schema()::regnamespace", connection);
        Assert.Equal("fillfactor=70", await options.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
