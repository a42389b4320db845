using System.Collections.Concurrent;
using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: a commit in one round trip when the journal already knows the run as the commit will find it.
/// </summary>
/// <remarks>
/// A commit first locks the run and reads it (its status, the sequence its next event takes), then writes
/// what it read decides: two round trips. The journal handed the delivery over (or a claim read the run) a
/// moment ago and knows both already. Its commit then sends, in one command: the run locked on condition
/// that it is still so (same next sequence, still running), the delivery settled, the event and the run's new
/// status or end. If the run changed meanwhile (another event in it, an operator's control), nothing of that
/// command is kept: the write declines (its savepoint or transaction rolls back), and the store runs the commit
/// again the usual way. What the journal knows is a hint; the check in the command is what makes it safe.
/// When the commit ends the run, or its one event makes the run's next deliveries, the run's new state is known
/// too (what it had active was the committed delivery alone): the check is then the run's update itself, and
/// nothing of the run's deliveries is counted.
/// </remarks>
internal sealed partial class SqlJournal
{
    /// <summary>How many expected runs the journal keeps at most (deliveries released or lost are never committed here).</summary>
    private const int MaxExpectedRuns = 8192;

    private readonly ConcurrentDictionary<long, ExpectedRun> _expected = new();

    /// <summary>Remembers how a delivery's run stands now, for that delivery's commit.</summary>
    private void Expect(long deliveryId, RunRecord run, long nextSequence)
    {
        if (_expected.Count >= MaxExpectedRuns)
        {
            // Only deliveries that were never committed here are left over: forgetting them costs each a round trip.
            _expected.Clear();
        }

        _expected[deliveryId] = new ExpectedRun(run, nextSequence);
    }

    /// <summary>
    /// How the commit's run stands, if the journal knows and the commit can go in one command: its first
    /// command is the run's new status or end, with at most one event before it (no state, question, child run or tags).
    /// </summary>
    public ExpectedRun? ExpectedFor(DeliveryCommit commit)
    {
        if (!_expected.TryRemove(commit.DeliveryId, out ExpectedRun? expected) || expected.Run.RunId != commit.RunId)
        {
            return null;
        }

        bool oneCommand = commit.StateReads.Count == 0 && commit.StateWrites.Count == 0 && commit.ChildRun is null
            && commit.Tags is not { Count: > 0 } && commit.QuestionsAsked == 0
            && (commit.Events is [] || (commit.Events is [{ Question: null } only] && only.Deliveries.Count < s_eventInserts.Length));
        return oneCommand ? expected : null;
    }

    /// <summary>
    /// Commits <paramref name="commit"/> in one round trip if its run still stands as <paramref name="expected"/> says;
    /// <see langword="null"/> if it does not: the caller declines this write (nothing of it is kept) and commits the usual way.
    /// </summary>
    public async Task<CommitOutcome?> CommitAsExpectedAsync(
        DbConnection connection, DbTransaction transaction, DeliveryCommit commit, ExpectedRun expected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ExpectedChecks checks = ChecksFor(commit, expected, now);
        try
        {
            return await CommitLockedAsync(connection, transaction, commit, expected.Run, expected.NextSequence, now, checks, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLost)
        {
            return new(CommitResult.LeaseLost, null);
        }
        catch (ExpectationMissed)
        {
            return null;
        }
        catch (DbException) when (checks.RunHeld != true)
        {
            // The run was not as expected (or was not read yet): what followed the checks was written for a run that is
            // not there, and may well fail (its event's sequence taken). Declined; the usual commit meets any real error again.
            return null;
        }
    }

    /// <summary>
    /// The checks a commit as expected sends first: the run locked if it still stands as expected (or, when the commit
    /// knows the run's new state, the run updated to it if it still stands so), and the delivery settled if its lease holds.
    /// </summary>
    /// <remarks>
    /// The run is read by its key alone and compared here: with its status in the <c>WHERE</c>, PostgreSQL's generic
    /// plan could go through the index of statuses (whose statistics, taken when few runs were running, say few are);
    /// the update that checks compares <c>status + 0</c>, which no index serves, for the same reason.
    /// </remarks>
    internal sealed class ExpectedChecks(Statement statement, long nextSequence, bool updatesRun)
    {
        /// <summary>The statements: the run's check (a row if it holds), the settle (a row if the lease held).</summary>
        public Statement Statement => statement;

        /// <summary>
        /// Whether the check itself saves the run's new state — its end, or its next sequence and time when it runs on
        /// (see <see cref="KnowsStatusAfter"/>) — so nothing of its deliveries is counted.
        /// </summary>
        public bool UpdatesRun => updatesRun;

        /// <summary>Whether the run stood as expected; <see langword="null"/> until the check's result is read.</summary>
        public bool? RunHeld { get; private set; }

        /// <summary>Reads both checks' results where <paramref name="reader"/> starts; throws <see cref="ExpectationMissed"/> if the run changed, <see cref="LeaseLost"/> if the lease did not hold.</summary>
        public async Task ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
        {
            RunHeld = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                && (updatesRun || (reader.GetInt64(0) == nextSequence && reader.GetInt32(1) == (int)WorkflowRunStatus.Running));
            if (RunHeld == false)
            {
                throw new ExpectationMissed();
            }

            bool settled = await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) && await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);

            if (!settled)
            {
                throw new LeaseLost();
            }
        }
    }

    /// <summary>
    /// Whether the run's status after <paramref name="commit"/> is known without counting its deliveries: if the run
    /// stands as expected, what it has active is the committed delivery alone (anything else that could add one appends
    /// an event, which moves the next sequence, or changes the run's status); that delivery is done, and the commit's
    /// one event makes at least one delivery, so those are all the run has active, and it runs on.
    /// </summary>
    private static bool KnowsStatusAfter(DeliveryCommit commit) =>
        commit.Outcome == DeliveryOutcome.Done && commit.Completion is null && commit.Events is [{ Deliveries.Count: > 0 }];

    /// <summary>The condition of a check that updates the run: it still stands as expected (its row returned if so).</summary>
    private static readonly string s_asExpected = $"WHERE run_id = @x_run AND next_seq = @x_seq AND status + 0 = {(int)WorkflowRunStatus.Running} RETURNING next_seq; ";

    /// <summary>The check that ends the run if it still stands as expected (the settle follows it).</summary>
    private static readonly string s_endAsExpected =
        "UPDATE wf_runs SET status = @xr_s, result_type = @xr_rt, result_payload = @xr_rp, error = @xr_e, failure = @xr_f, updated_at = @x_t, finished_at = @x_t, next_seq = @x_n " + s_asExpected;

    /// <summary>The check that moves the run on if it still stands as expected (the settle follows it).</summary>
    private static readonly string s_runOnAsExpected = "UPDATE wf_runs SET updated_at = @x_t, next_seq = @x_n " + s_asExpected;

    /// <summary>The run locked, its next sequence and status read: the check when the run's state after the commit is not known (made once).</summary>
    private string? _lockRunForCheck;

    /// <summary>The checks for <paramref name="commit"/> against <paramref name="expected"/>, with the settle's parameters named apart from what follows.</summary>
    private ExpectedChecks ChecksFor(DeliveryCommit commit, ExpectedRun expected, DateTimeOffset now)
    {
        (string settle, (string, object?)[] parameters) = SettleStatement(commit, now, expected: true);
        (string, object?)[] check = [("x_run", commit.RunId), ("x_t", Millis(now)), ("x_n", expected.NextSequence + commit.Events.Count), ("x_seq", expected.NextSequence)];
        if (commit.Completion is { } completion)
        {
            return new ExpectedChecks(
                new Statement(
                    SqlTexts.Concat(s_endAsExpected, string.Empty, settle),
                    [.. check, ("xr_s", (int)completion.Status), ("xr_rt", completion.ResultType), ("xr_rp", completion.ResultPayload), ("xr_e", completion.Error), ("xr_f", WriteFailure(completion.Failure)), .. parameters]),
                expected.NextSequence,
                updatesRun: true);
        }

        if (KnowsStatusAfter(commit))
        {
            return new ExpectedChecks(
                new Statement(SqlTexts.Concat(s_runOnAsExpected, string.Empty, settle), [.. check, .. parameters]),
                expected.NextSequence,
                updatesRun: true);
        }

        return new ExpectedChecks(
            new Statement(SqlTexts.Join(_lockRunForCheck ??= $"SELECT next_seq, status FROM wf_runs WHERE run_id = @x_run {Dialect.RunLock}", settle), [("x_run", commit.RunId), .. parameters]),
            expected.NextSequence,
            updatesRun: false);
    }

    /// <summary>
    /// Ends the run whose end <paramref name="checks"/> (sent first, in <paramref name="first"/>, with the commit's event) saved:
    /// what is left of its end in the same round trip — what it has active cancelled (what the commit's event made), its tasks, its feed
    /// entry — and then, for a child run, its parent's answer.
    /// </summary>
    private static async Task EndAsExpectedAsync(
        DbConnection connection, DbTransaction transaction, DeliveryCommit commit, RunRecord run, RunCompletion completion, ExpectedChecks checks, Statement first, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string sql, (string, object?)[] parameters) = EndAsExpectedStatement(commit, run, completion, first, now);
        using (CachedCommand end = Command(connection, transaction, sql, parameters))
        {
            using DbDataReader reader = await end.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await checks.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        if (run.ParentRunId is not null)
        {
            await AnswerParentAsync(connection, transaction, run, completion, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The command of <see cref="EndAsExpectedAsync"/>: <paramref name="first"/>, then what is left of the run's end.</summary>
    private static (string Sql, (string, object?)[] Parameters) EndAsExpectedStatement(DeliveryCommit commit, RunRecord run, RunCompletion completion, Statement first, DateTimeOffset now)
    {
        // What the run has active now: what the commit's event made, and the committed delivery unless it ended.
        bool leftActive = commit.Events is [{ Deliveries.Count: > 0 }] || commit.Outcome is not (DeliveryOutcome.Done or DeliveryOutcome.Failed);
        return first.Then(
            leftActive ? EndTails.CancellingDeliveries : EndTails.Closing,
            [("id", run.RunId), ("t", Millis(now)), ("w", run.Workflow), ("from", (int)run.Status), ("s", (int)completion.Status)]);
    }

    /// <summary>
    /// Sends <paramref name="first"/>: <paramref name="checks"/> (which update the run) and the commit's one event. The run's status is known
    /// (<see cref="KnowsStatusAfter"/>), so nothing is counted. Returns it and how many deliveries the run has active.
    /// </summary>
    private static async Task<(WorkflowRunStatus Status, long Active)> CommitKnownStatusAsync(
        DbConnection connection, DbTransaction transaction, DeliveryCommit commit, ExpectedChecks checks, Statement first, HandOver? handOver, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(connection, transaction, first.Sql, first.Parameters);
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await checks.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        if (handOver is not null)
        {
            await handOver.ReadIdsAsync(reader, commit.RunId, cancellationToken).ConfigureAwait(false);
        }

        return (WorkflowRunStatus.Running, commit.Events[0].Deliveries.Count);
    }

    /// <summary>What follows a run's end saved by its checks: its tasks closed and its feed entry, after its active deliveries cancelled if it has some.</summary>
    /// <remarks>A class of its own: its texts are made on first use, after the journal's statements they are made of.</remarks>
    private static class EndTails
    {
        public static readonly string Closing = CancelTasksStatement + "; " + RecordChangeStatement("@id");

        public static readonly string CancellingDeliveries = CancelDeliveriesStatement + "; " + Closing;
    }

    /// <summary>The run changed since the journal last saw it: the commit runs again the usual way.</summary>
    internal sealed class ExpectationMissed() : Exception("The run changed since the journal last saw it.");

    /// <summary>The delivery's lease did not hold: the commit is declined.</summary>
    internal sealed class LeaseLost() : Exception("The delivery's lease did not hold.");
}

/// <summary>How a run stood when the journal last wrote or read it: its record and the sequence its next event takes.</summary>
internal sealed record ExpectedRun(RunRecord Run, long NextSequence);
