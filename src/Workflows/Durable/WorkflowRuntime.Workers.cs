using Workflows.Engine;
using Workflows.Rules;

namespace Workflows.Durable;

// The workers: claim a due delivery, run its step, commit what it did.
public sealed partial class WorkflowRuntime
{
    private static readonly TimeSpan ExpiryLookInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a claim waits for more running steps to finish, to take them a batch of work.</summary>
    private static readonly TimeSpan ClaimGathering = TimeSpan.FromMilliseconds(5);

    /// <summary>The most deliveries one claim takes.</summary>
    private const int MaxClaim = 32;

    /// <summary>The most steps a slot runs handed over in a row before it goes back to the claims.</summary>
    internal const int MaxHandOvers = 16;

    /// <summary>How many claimed deliveries this worker is running (each in a slot); the stop waits for none to be left.</summary>
    private int _executing;

    /// <summary>Completed when the stop found, or the last running delivery left, no delivery running.</summary>
    private TaskCompletionSource? _drained;
    private long _nextExpiryLook;
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private CancellationTokenSource? _stopping;
    private SemaphoreSlim? _slots;
    private Task? _claimLoop;
    private Task? _retentionLoop;
    private CancellationTokenSource? _leasesStopping;
    private Task? _leaseLoop;
    private Task? _stopped;
    private readonly Lock _stopLock = new();

    private void StartWorkers()
    {
        _stopping = new CancellationTokenSource();
        _drained = null;
        _slots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);

        // Stopped only after the last step ended: a step that ignores its cancellation keeps its lease meanwhile.
        _leasesStopping = new CancellationTokenSource();
        _leaseLoop = Task.Run(() => _held.KeepLeasesAsync(_leasesStopping.Token));
        _claimLoop = Task.Run(() => ClaimLoopAsync(_stopping.Token));
        if (_options.Retention is { } retention)
        {
            _retentionLoop = Task.Run(() => RetentionLoopAsync(retention, _stopping.Token));
        }

        _scheduleLoop = Task.Run(() => ScheduleLoopAsync(_stopping.Token));
    }

    /// <summary>Stops the workers once; a second caller (the host stopping, then disposing) waits for the same stop.</summary>
    private Task StopWorkersAsync()
    {
        lock (_stopLock)
        {
            if (_stopping is null)
            {
                return Task.CompletedTask;
            }

            return _stopped ??= StopOnceAsync(_stopping);
        }
    }

    private async Task StopOnceAsync(CancellationTokenSource stopping)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (_claimLoop is not null)
        {
            await _claimLoop.ConfigureAwait(false);
        }

        if (_retentionLoop is not null)
        {
            await _retentionLoop.ConfigureAwait(false);
        }

        if (_scheduleLoop is not null)
        {
            await _scheduleLoop.ConfigureAwait(false);
        }

        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        if (Volatile.Read(ref _executing) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task.ConfigureAwait(false);
        if (_leasesStopping is not null)
        {
            await _leasesStopping.CancelAsync().ConfigureAwait(false);
            await _leaseLoop!.ConfigureAwait(false);
            _leasesStopping.Dispose();
        }

        lock (_stopLock)
        {
            _stopping = null;
            _stopped = null;
        }

        stopping.Dispose();
    }

    /// <summary>Wakes an idle local worker: new work was recorded by this process.</summary>
    private void SignalWork()
    {
        if (_wakeUp.CurrentCount == 0)
        {
            try
            {
                _wakeUp.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another signal won the race; one wake-up is enough.
            }
        }
    }

    private async Task ClaimLoopAsync(CancellationToken stopping)
    {
        var fingerprints = _versions.Newest.Values.ToDictionary(r => r.Name, r => r.Definition.Fingerprint, StringComparer.Ordinal);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _slots!.WaitAsync(stopping).ConfigureAwait(false);

                // Claim as many as there are free slots, in one transaction.
                int slots = 1;
                while (slots < MaxClaim && _slots.Wait(0, CancellationToken.None))
                {
                    slots++;
                }

                slots += await GatherSlotsAsync(slots, stopping).ConfigureAwait(false);

                ClaimResult result;
                try
                {
                    result = await _store.ClaimAsync(NextClaim(fingerprints, slots), stopping).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release(slots);
                    throw;
                }

                RunsEnded(result.Ended);
                Diagnostics.DurableTelemetry.Claimed(result.Deliveries.Count);

                foreach (ClaimedDelivery claim in result.Deliveries)
                {
                    // Counted, not kept: ExecuteAsync ends every way it can go in a logged decision, and says when it is done.
                    Interlocked.Increment(ref _executing);
                    _ = ExecuteAsync(claim, stopping);
                }

                if (slots > result.Deliveries.Count)
                {
                    _slots.Release(slots - result.Deliveries.Count);
                }

                if (result.Deliveries.Count > 0)
                {
                    continue;
                }

                TimeSpan wait = _options.PollInterval;
                if (result.NextDueAt is { } due && due - _options.TimeProvider.GetUtcNow() is var untilDue && untilDue < wait)
                {
                    wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
                    Volatile.Write(ref _nextExpiryLook, due.UtcTicks);
                }

                await WaitForWorkAsync(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The store failed (a lost connection, a busy database): try again after a pause, never give up the loop.
                DurableLog.ClaimFailed(_logger, error, _options.PollInterval);
                try
                {
                    await Task.Delay(_options.PollInterval, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// While steps are running, waits a moment (at most <see cref="ClaimGathering"/>) for a few more
    /// of them to finish, so one claim takes a batch instead of one claim per finished step — each
    /// claim is a round of statements in the store. Returns how many more slots it took.
    /// </summary>
    private async Task<int> GatherSlotsAsync(int slots, CancellationToken stopping)
    {
        int wanted = Math.Min(MaxClaim, Math.Max(1, _options.MaxConcurrentDeliveries / 4));
        if (slots >= wanted || slots + _slots!.CurrentCount >= _options.MaxConcurrentDeliveries)
        {
            return 0;
        }

        int more = 0;
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(ClaimGathering.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (slots + more < wanted)
        {
            TimeSpan left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), until);
            if (left <= TimeSpan.Zero || !await _slots.WaitAsync(left, stopping).ConfigureAwait(false))
            {
                break;
            }

            more++;
        }

        return more;
    }

    /// <summary>
    /// The next claim; every so often (and whenever a deadline may have passed) it also asks the store
    /// to end what time has ended: runs past their deadline, children of ended runs, expired waits.
    /// </summary>
    private ClaimRequest NextClaim(Dictionary<string, string> fingerprints, int slots)
    {
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        var request = new ClaimRequest(_options.WorkerId, fingerprints, now, _options.Lease, slots) { Queues = _queueLimits, RunLimits = _runLimits, CompatibleFingerprints = _versions.Earlier };
        if (now.UtcTicks < Volatile.Read(ref _nextExpiryLook))
        {
            return request;
        }

        Volatile.Write(ref _nextExpiryLook, (now + ExpiryLookInterval).UtcTicks);
        return request with
        {
            DeadlineFailure = static run => new RunFailure(typeof(WorkflowTimeoutException).FullName!, RunMessages.TimedOut(run.RunId, run.Workflow, run.TimeLimit ?? TimeSpan.Zero)),
            OrphanFailure = static run => new RunFailure(typeof(OperationCanceledException).FullName!, RunMessages.ParentEnded(run.RunId, run.Workflow, run.ParentRunId!)),
        };
    }

    /// <summary>Runs the store ended while claiming: their steps in this process stop now, their followers hear of it.</summary>
    private void RunsEnded(IReadOnlyList<RunRecord> ended)
    {
        foreach (RunRecord run in ended)
        {
            Diagnostics.DurableTelemetry.RunEnded(run.Workflow, run.ParentRunId is not null && run.Deadline is null ? WorkflowRunStatus.Cancelled : WorkflowRunStatus.TimedOut);
            _held.Cancel(run.RunId);
            _signals.Pulse(run.RunId);
            DurableLog.RunEnded(_logger, run.Workflow, run.RunId, run.ParentRunId is not null && run.Deadline is null ? WorkflowRunStatus.Cancelled : WorkflowRunStatus.TimedOut, null);
            _observer?.RunEnded(run, run.ParentRunId is not null && run.Deadline is null ? WorkflowRunStatus.Cancelled : WorkflowRunStatus.TimedOut, run.Failure);
        }
    }

    private async Task WaitForWorkAsync(TimeSpan wait, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task local = _wakeUp.WaitAsync(wait, either.Token);
        Task remote = _store.WaitForWorkAsync(wait, either.Token);
        await Task.WhenAny(local, remote).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(local, remote).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loser of the race was cancelled.
        }
    }

    /// <summary>
    /// One claimed delivery, start to end: run its step, commit what it did, and say so. Every way it
    /// can go wrong ends in a decision that is logged: the store being down gives the delivery back
    /// (its attempt not counted); a step that failed or did what cannot be stored is a failed attempt.
    /// </summary>
    private async Task ExecuteAsync(ClaimedDelivery claim, CancellationToken stopping)
    {
        // Off the claim loop at once: a step whose body blocks (synchronous work) must neither hold up
        // the claims nor keep the other deliveries of its batch from running alongside it.
        await ThreadPoolSwitch.Instance;
        try
        {
            // A commit may hand the run's next delivery to this worker: it runs in the same slot, unclaimed —
            // up to MaxHandOvers in a row, then the slot goes back to the claims, so that a long run cannot keep
            // waiting work (a higher priority's, say) from the slot for all its steps.
            ClaimedDelivery? next = claim;
            for (int handed = 0; next is not null; handed++)
            {
                next = await ExecuteOneAsync(next, handed < MaxHandOvers, stopping).ConfigureAwait(false);
            }
        }
        finally
        {
            _slots!.Release();
            if (Interlocked.Decrement(ref _executing) == 0)
            {
                Volatile.Read(ref _drained)?.TrySetResult();
            }
        }
    }

    /// <summary>Runs one delivery and commits it; returns the run's next delivery when the commit handed it to this worker (only if <paramref name="takeNext"/>).</summary>
    private async Task<ClaimedDelivery?> ExecuteOneAsync(ClaimedDelivery claim, bool takeNext, CancellationToken stopping)
    {
        // The version the run started under (or the newest whose shape it reads fine): claims take no other runs.
        DurableRegistration registration = _versions.Resolve(claim.Run) ?? _versions.Newest[claim.Run.Workflow];
        string step = registration.Definition.Steps[claim.Step].Name;
        using IDisposable? scope = _logger.BeginScope(new Diagnostics.WorkflowLogScope(claim.Run.RunId, claim.Run.Workflow, step));
        try
        {
            ExecutionResult result;
            try
            {
                result = await DeliveryExecution.RunAsync(_store, _options, _logger, _observer, _held, _live, registration, RegistrationOrNull, claim, stopping).ConfigureAwait(false);
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                // Reading the run's state failed: the store is down or busy. Nothing ran; run it again later.
                DurableLog.LoadFailed(_logger, error, claim.DeliveryId, step);
                await ReleaseAsync(claim, step).ConfigureAwait(false);
                return null;
            }

            switch (result.End)
            {
                case ExecutionEnd.LeaseLost:
                    DurableLog.LeaseLost(_logger, claim.DeliveryId, step);
                    return null;
                case ExecutionEnd.Stopping:
                    DurableLog.ReleasedOnStop(_logger, claim.DeliveryId, step);
                    await ReleaseAsync(claim, step).ConfigureAwait(false);
                    return null;
            }

            BuiltCommit built = _commits.Build(claim, registration, result);
            return await CommitAsync(claim, registration, step, built, takeNext && !stopping.IsCancellationRequested).ConfigureAwait(false);
        }
        catch (Exception error) when (stopping.IsCancellationRequested)
        {
            DurableLog.ReleasedOnStop(_logger, claim.DeliveryId, step);
            _ = error;
            await ReleaseAsync(claim, step).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // The store failed mid-commit (a lost connection, a conflict it aborted): nothing was recorded,
            // so give the delivery back to be run again now rather than when its lease expires. A delivery
            // that did commit is no longer claimed, and releasing it changes nothing.
            DurableLog.CommitFailed(_logger, error, claim.DeliveryId, step);
            await ReleaseAsync(claim, step).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Commits a delivery; if <paramref name="takeNext"/>, asks for the run's next delivery with it (returned when handed over).</summary>
    private async Task<ClaimedDelivery?> CommitAsync(ClaimedDelivery claim, DurableRegistration registration, string step, BuiltCommit built, bool takeNext)
    {
        DeliveryCommit commit = takeNext ? built.Commit with { NextLease = _options.Lease } : built.Commit;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        (CommitResult committed, ClaimedDelivery? next) = await _store.CommitAndTakeNextAsync(commit, CancellationToken.None).ConfigureAwait(false);
        Diagnostics.DurableTelemetry.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        switch (committed)
        {
            case CommitResult.Committed:
                if (next is null)
                {
                    SignalWork();
                }
                else
                {
                    Diagnostics.DurableTelemetry.Claimed(1);
                }

                _signals.Pulse(claim.Run.RunId);
                LogCommitted(claim, registration, step, built);
                return next is null || claim.State is null ? next : next with { State = DurableState.After(claim.State, commit.StateWrites) };
            case CommitResult.StateConflict:
                // Another delivery changed state this one read: run it again on fresh state.
                DurableLog.StateConflict(_logger, claim.DeliveryId, step);
                await ReleaseAsync(claim, step).ConfigureAwait(false);
                SignalWork();
                break;
            default:
                DurableLog.LeaseLost(_logger, claim.DeliveryId, step);
                break;
        }

        return null;
    }

    /// <summary>Says what a committed delivery did to its run: a retry, a recovery, the run's end, a question.</summary>
    private void LogCommitted(ClaimedDelivery claim, DurableRegistration registration, string step, BuiltCommit built)
    {
        DeliveryCommit commit = built.Commit;
        if (built.Error is { } error)
        {
            switch (built.Decision?.Action)
            {
                case FailureAction.Retry:
                    DurableLog.StepRetried(_logger, step, claim.Attempt, error.GetType().Name, error.Message, commit.RetryAt ?? default);
                    break;
                case FailureAction.Recover:
                    DurableLog.StepRecovered(_logger, error, step, claim.Attempt, registration.Definition.Steps[built.Decision.Value.Handler].Name);
                    break;
                default:
                    DurableLog.StepFailed(_logger, error, step, claim.Attempt);
                    break;
            }
        }

        if (_observer is not null)
        {
            foreach ((Event ev, bool streamed) in built.Observed)
            {
                if (streamed)
                {
                    _observer.EventStreamed(claim.Run, ev);
                }
                else
                {
                    _observer.EventRouted(claim.Run, ev, step);
                }
            }
        }

        foreach (NewEvent ev in commit.Events)
        {
            if (ev.Kind == EventRecordKind.Streamed && registration.Serializer.TryGetType(ev.Type, out Type? type) && type.IsSubclassOf(typeof(InputRequiredEvent)))
            {
                DurableLog.WaitingForInput(_logger, claim.Run.Workflow, claim.Run.RunId, type.Name);
            }
        }

        if (built.Stall?.Ended is { } stalled)
        {
            Diagnostics.DurableTelemetry.RunEnded(claim.Run.Workflow, WorkflowRunStatus.Failed);
            _observer?.RunEnded(claim.Run, WorkflowRunStatus.Failed, stalled);
            DurableLog.RunEnded(_logger, claim.Run.Workflow, claim.Run.RunId, WorkflowRunStatus.Failed, stalled.Message);
        }

        if (commit.Completion is { } completion)
        {
            Diagnostics.DurableTelemetry.RunEnded(claim.Run.Workflow, completion.Status);
            _observer?.RunEnded(claim.Run, completion.Status, completion.Failure);
            if (completion.Status == WorkflowRunStatus.Completed)
            {
                DurableLog.RunCompleted(_logger, claim.Run.Workflow, claim.Run.RunId);
            }
            else
            {
                DurableLog.RunEnded(_logger, claim.Run.Workflow, claim.Run.RunId, completion.Status, completion.Error);
            }
        }
    }

    /// <summary>Gives a claimed delivery back to be run again at once; if even that fails, its lease expires on its own.</summary>
    private async Task ReleaseAsync(ClaimedDelivery claim, string step)
    {
        try
        {
            await _store.ReleaseAsync(claim.DeliveryId, _options.WorkerId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            DurableLog.ReleaseFailed(_logger, error, claim.DeliveryId);
            _ = step;
        }
    }
}
