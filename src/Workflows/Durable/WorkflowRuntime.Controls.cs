using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>
/// An operator's controls of runs: suspend, resume, retry and purge. Each works from any process
/// sharing the store, is applied and journaled in one transaction (who asked, and when), and refuses
/// with a clear error, changing nothing, when the run's status does not allow it.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private const int PurgeBatch = 100;

    /// <summary>
    /// The same controls, recorded in each run's journal (and the logs) as asked by
    /// <paramref name="requestedBy"/> — a person, an API key's name, a tool — instead of this process.
    /// </summary>
    /// <param name="requestedBy">Who or what asks.</param>
    /// <returns>The controls, acting as <paramref name="requestedBy"/>.</returns>
    /// <example>
    /// <code>
    /// await runtime.ActingAs("ana@example.com").RetryAsync(runId);
    /// </code>
    /// </example>
    public RunOperator ActingAs(string requestedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        return new RunOperator(this, requestedBy);
    }

    /// <summary>
    /// Suspends a running, waiting or queued run: no delivery of it is claimed until <see cref="ResumeAsync(string, CancellationToken)"/>;
    /// steps already running finish and their outputs are kept; answers sent to it are recorded; its
    /// timers, waits' deadlines and run deadline come due only after it is resumed.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="InvalidOperationException">The run is already suspended, or has ended.</exception>
    public Task SuspendAsync(string runId, CancellationToken cancellationToken = default) => ControlAsync(runId, RunControl.Suspend, _options.WorkerId, cancellationToken);


    /// <summary>Resumes a suspended run: it runs (or waits for input) again, and what came due while it was suspended happens now.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="InvalidOperationException">The run is not suspended.</exception>
    public Task ResumeAsync(string runId, CancellationToken cancellationToken = default) => ControlAsync(runId, RunControl.Resume, _options.WorkerId, cancellationToken);


    /// <summary>
    /// Runs a failed run again from the delivery whose failure ended it, with fresh attempts, keeping
    /// everything recorded before it (its journal, state and finished steps); the steps its failure
    /// interrupted (pending, running or waiting then) carry on too.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="InvalidOperationException">The run has not failed, or no step's failure ended it (it stalled).</exception>
    public Task RetryAsync(string runId, CancellationToken cancellationToken = default) => ControlAsync(runId, RunControl.Retry, _options.WorkerId, cancellationToken);


    /// <summary>
    /// Deletes finished runs the query selects — their journal, deliveries, state and tags, and the
    /// rows modules keep for them — in batches of 100, each its own transaction. A run that has not
    /// ended is never deleted.
    /// </summary>
    /// <param name="query">Which runs: by workflow, how they ended, and when.</param>
    /// <param name="cancellationToken">Stops between batches (the batches done stay done).</param>
    /// <returns>How many runs were deleted.</returns>
    /// <exception cref="ArgumentException">The query's status is not an ending (Completed, Failed, Cancelled, TimedOut).</exception>
    public Task<int> PurgeAsync(PurgeQuery query, CancellationToken cancellationToken = default) => PurgeAsAsync(query, null, _options.WorkerId, cancellationToken);

    internal async Task<int> PurgeAsAsync(PurgeQuery query, IProgress<int>? progress, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Status is { } status && status is not (WorkflowRunStatus.Completed or WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled or WorkflowRunStatus.TimedOut))
        {
            throw new ArgumentException($"PurgeQuery.Status must be how a run ended (Completed, Failed, Cancelled or TimedOut); a run that is {status} has not ended and is never purged.", nameof(query));
        }

        int total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int deleted = await _store.PurgeRunsAsync(query, PurgeBatch, cancellationToken).ConfigureAwait(false);
            total += deleted;
            progress?.Report(total);
            if (deleted < PurgeBatch)
            {
                break;
            }
        }

        if (total > 0)
        {
            string purged = Describe(query);
            DurableLog.RunsPurged(_logger, total, purged, requestedBy);
        }

        return total;
    }

    internal async Task ControlAsync(string runId, RunControl control, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        RunControlResult result = await _store.ControlRunAsync(new RunControlRequest(runId, control, requestedBy), cancellationToken).ConfigureAwait(false);
        RunRecord run = result.Run ?? throw new WorkflowRunNotFoundException(runId);
        if (!result.Applied)
        {
            throw new InvalidOperationException(result.NothingToRetry ? RunMessages.NothingToRetry(run) : RunMessages.ControlRefused(run, control));
        }

        string done = Past(control);
        DurableLog.RunControlled(_logger, run.Workflow, runId, done, requestedBy);
        _signals.Pulse(runId);
        if (control != RunControl.Suspend)
        {
            // What it has pending is claimable now, here or in whichever process looks first.
            Volatile.Write(ref _nextExpiryLook, 0);
            SignalWork();
        }
    }

    private static string Past(RunControl control) => control switch
    {
        RunControl.Suspend => "suspended",
        RunControl.Resume => "resumed",
        _ => "retried",
    };

    private static string Describe(PurgeQuery query) =>
        string.Join(", ", new[]
        {
            query.Workflow is null ? null : $"workflow {query.Workflow}",
            query.Status is null ? null : $"status {query.Status}",
            query.FinishedBefore is null ? null : $"ended before {query.FinishedBefore:o}",
        }.Where(part => part is not null).DefaultIfEmpty("every finished run"));
}
