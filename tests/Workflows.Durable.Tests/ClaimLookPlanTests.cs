using Npgsql;
using Workflows.Postgres;
using Workflows.Sql;
using Workflows.Sql.Journal;

namespace Workflows.Durable.Tests;

/// <summary>
/// The looks a PostgreSQL claim makes besides the claim itself (runs past their deadline, children of ended runs, waits
/// past their time, the soonest due delivery), and the claim itself, read through their small indexes even when the
/// planner's statistics are stale: here taken while every run had ended, then 4,000 runs active. Read the other way, each look reads every run
/// or every delivery, several milliseconds a look, once a second per worker. The plans are the server's own, as run
/// (<c>auto_explain</c>, reported to this connection).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClaimLookPlanTests(PostgresServer server)
{
    private const string Fill = """
        INSERT INTO wf_runs (run_id, workflow, fingerprint, shape, status, next_seq, created_at, updated_at)
            SELECT 'r' || i, 'W', 'f', 's', 1, 1, i, i FROM generate_series(1, 4000) i;
        INSERT INTO wf_deliveries (run_id, step, step_name, workers, event_id, status, attempt, executions, available_at, prompted, created_at)
            SELECT 'r' || i, 0, 'S', 1, i, 0, 1, 0, 9000000000000, 0, i FROM generate_series(1, 4000) i;
        ALTER TABLE wf_runs SET (autovacuum_enabled = false);
        ALTER TABLE wf_deliveries SET (autovacuum_enabled = false);
        ANALYZE wf_runs;
        ANALYZE wf_deliveries;
        UPDATE wf_runs SET status = 0;
        LOAD 'auto_explain';
        SET auto_explain.log_min_duration = 0;
        SET auto_explain.log_level = 'notice';
        """;

    [Fact]
    public async Task Each_look_before_a_claim_reads_its_own_index_when_statistics_say_no_run_is_active()
    {
        // Statistics say every run has ended; then 4,000 runs are active, each with a delivery not yet due (so the claim
        // takes nothing and looks for the soonest one). No run has a deadline, a parent or a wait.
        (NpgsqlConnection opened, SqlDialect dialect) = await FilledAsync(Fill);
        await using NpgsqlConnection connection = opened;

        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        var request = new ClaimRequest("worker", new Dictionary<string, string> { ["W"] = "f" }, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Max: 10)
        {
            DeadlineFailure = _ => new RunFailure("TimeoutException", "past its deadline"),
            OrphanFailure = _ => new RunFailure("OperationCanceledException", "its parent ended"),
        };
        await using (NpgsqlTransaction transaction = await connection.BeginTransactionAsync())
        {
            ClaimResult claim = await new SqlJournal(dialect).ClaimAsync(connection, transaction, request, CancellationToken.None);
            Assert.Empty(claim.Deliveries);
            Assert.Empty(claim.Ended);
            Assert.NotNull(claim.NextDueAt);
        }

        string deadlines = PlanOf(plans, "r.deadline_at <=");
        Assert.Contains("wf_runs_deadline", deadlines, StringComparison.Ordinal);

        string orphans = PlanOf(plans, "r.parent_run_id IS NOT NULL");
        Assert.Contains("wf_runs_parent", orphans, StringComparison.Ordinal);
        Assert.DoesNotContain("wf_runs_pkey on wf_runs r", orphans, StringComparison.Ordinal);

        string waits = PlanOf(plans, "d.wait_until <=");
        Assert.Contains("wf_deliveries_wait_until", waits, StringComparison.Ordinal);
        Assert.DoesNotContain("wf_runs_status", waits, StringComparison.Ordinal);

        string soonest = PlanOf(plans, "SELECT MIN(CASE");
        Assert.Contains("wf_deliveries_active", soonest, StringComparison.Ordinal);
        Assert.DoesNotContain("wf_runs_status", soonest, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", soonest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_claim_finds_each_due_delivery_s_run_by_its_key_when_statistics_say_no_run_is_active()
    {
        // As above, but every delivery is due (and its event exists): the claim takes ten of them. Read through
        // wf_runs_status, each of those would scan all 4,000 active runs to find its own.
        const string Events = "INSERT INTO wf_events (event_id, run_id, seq, kind, type, payload, created_at) SELECT i, 'r' || i, 0, 0, 'T', '{}', i FROM generate_series(1, 4000) i;";
        (NpgsqlConnection opened, SqlDialect dialect) = await FilledAsync(Events + Fill.Replace("9000000000000", "0", StringComparison.Ordinal));
        await using NpgsqlConnection connection = opened;

        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        var request = new ClaimRequest("worker", new Dictionary<string, string> { ["W"] = "f" }, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Max: 10);
        await using (NpgsqlTransaction transaction = await connection.BeginTransactionAsync())
        {
            ClaimResult claim = await new SqlJournal(dialect).ClaimAsync(connection, transaction, request, CancellationToken.None);
            Assert.Equal(10, claim.Deliveries.Count);
        }

        string pick = PlanOf(plans, "FOR UPDATE OF d, r SKIP LOCKED");
        Assert.Contains("wf_deliveries_due", pick, StringComparison.Ordinal);
        Assert.Contains("wf_runs_pkey on wf_runs r", pick, StringComparison.Ordinal);
        Assert.DoesNotContain("wf_runs_status", pick, StringComparison.Ordinal);

        string count = PlanOf(plans, "COUNT(*) FROM wf_deliveries WHERE run_id IN");
        Assert.Contains("wf_deliveries_run", count, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", count, StringComparison.Ordinal);
        Assert.DoesNotContain("wf_deliveries_active", count, StringComparison.Ordinal);
    }

    /// <summary>A new store's database, filled by <paramref name="fill"/>, and an open connection to it.</summary>
    private async Task<(NpgsqlConnection Connection, SqlDialect Dialect)> FilledAsync(string fill)
    {
        string connectionString = await server.CreateDatabaseAsync();
        SqlDialect dialect;
        await using (var store = new PostgresWorkflowStore(connectionString))
        {
            await store.InitializeAsync(CancellationToken.None);
            dialect = store.Dialect;
        }

        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand(fill, connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return (connection, dialect);
    }

    /// <summary>The one plan reported for the statement containing <paramref name="marker"/>.</summary>
    private static string PlanOf(List<string> plans, string marker)
    {
        string[] matching = [.. plans.Where(plan => plan.Contains(marker, StringComparison.Ordinal))];
        Assert.True(matching.Length == 1, $"Expected one plan for \"{marker}\", found {matching.Length} among:\n{string.Join("\n---\n", plans)}");
        return matching[0];
    }
}
