using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: a commit as expected as one command and the reading of its results (<see cref="PipelinedWork{T}"/>),
/// so that a group commit can send it in one round trip with other writes' commands.
/// </summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// <see cref="CommitAsExpectedAsync"/> as one command and the reading of its results, when it is one command:
    /// the check updates the run (it ends, or runs on with the commit's one event), and nothing follows the command
    /// (no parent to answer, no failed delivery to note for a retry). <see langword="null"/> otherwise: it runs the usual way.
    /// </summary>
    public PipelinedWork<CommitOutcome?>? PipelineAsExpected(DeliveryCommit commit, ExpectedRun expected, DateTimeOffset now)
    {
        RunRecord run = expected.Run;
        long sequence = expected.NextSequence;
        if (commit.Completion is { } ending
            && (run.ParentRunId is not null || (ending.Status == WorkflowRunStatus.Failed && commit.Outcome == DeliveryOutcome.Failed)))
        {
            return null;
        }

        ExpectedChecks checks = ChecksFor(commit, expected, now);
        HandOver? handOver = HandOverEvent(commit, now) is { } index ? new HandOver(index, commit.WorkerId, Millis(now + commit.NextLease!.Value)) : null;
        Statement? eventInsert = OnlyEventInsert(commit, sequence, now, handOver);
        if (!checks.UpdatesRun || (commit.Events.Count > 0 && eventInsert is null))
        {
            return null;
        }

        Statement first = eventInsert is { } insert ? checks.Statement.Then(insert) : checks.Statement;
        if (commit.Completion is { } completion)
        {
            (string sql, (string, object?)[] parameters) = EndAsExpectedStatement(commit, run, completion, first, now);
            return new PipelinedWork<CommitOutcome?>(sql, parameters, (reader, cancellationToken) => ReadAsExpectedAsync(reader, checks, null, cancellationToken));
        }

        return new PipelinedWork<CommitOutcome?>(first.Sql, first.Parameters, (reader, cancellationToken) => ReadAsExpectedAsync(reader, checks, handOver, cancellationToken));

        // What CommitAsExpectedAsync makes of the same results: a delivery handed over is all the run has active
        // (it is the commit's one event's one delivery), so the worker takes it, and its commit is expected in turn.
        async Task<(CommitOutcome? Result, bool Keep)> ReadAsExpectedAsync(DbDataReader reader, ExpectedChecks checks, HandOver? handOver, CancellationToken cancellationToken)
        {
            try
            {
                await checks.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                if (handOver is null)
                {
                    return (new CommitOutcome(CommitResult.Committed, null), Keep: true);
                }

                await handOver.ReadIdsAsync(reader, commit.RunId, cancellationToken).ConfigureAwait(false);
                return (HandedOver(commit, run, handOver, sequence, sequence + 1, now), Keep: true);
            }
            catch (Exception error) when (error is LeaseLost or ExpectationMissed || (error is DbException && checks.RunHeld != true))
            {
                // Not kept: the write runs again the usual way, which meets the same lost lease, changed run or error.
                return (null, Keep: false);
            }
        }
    }
}
