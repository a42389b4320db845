using System.Collections.Concurrent;
using Workflows.Engine;
using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Durable;

// The workers: claim a due delivery, run its step, commit what it did.
public sealed partial class WorkflowRuntime
{
    private readonly ConcurrentDictionary<long, Task> _executions = new();
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private CancellationTokenSource? _stopping;
    private SemaphoreSlim? _slots;
    private Task? _claimLoop;
    private Task? _stopped;
    private readonly Lock _stopLock = new();

    private void StartWorkers()
    {
        _stopping = new CancellationTokenSource();
        _slots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
        _claimLoop = Task.Run(() => ClaimLoopAsync(_stopping.Token));
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

        await Task.WhenAll(_executions.Values).ConfigureAwait(false);
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
        var fingerprints = _registrations.Values.ToDictionary(r => r.Name, r => r.Definition.Fingerprint, StringComparer.Ordinal);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _slots!.WaitAsync(stopping).ConfigureAwait(false);

                // Claim as many as there are free slots, in one transaction.
                int slots = 1;
                while (slots < 32 && _slots.Wait(0, CancellationToken.None))
                {
                    slots++;
                }

                ClaimResult result;
                try
                {
                    result = await _store.ClaimAsync(new ClaimRequest(_options.WorkerId, fingerprints, _options.TimeProvider.GetUtcNow(), _options.Lease, slots), stopping).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release(slots);
                    throw;
                }

                foreach (ClaimedDelivery claim in result.Deliveries)
                {
                    Task execution = ExecuteAsync(claim, stopping);
                    _executions[claim.DeliveryId] = execution;
                    _ = execution.ContinueWith(_ => _executions.TryRemove(claim.DeliveryId, out Task? _), TaskScheduler.Default);
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
                }

                await WaitForWorkAsync(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The store failed (a lost connection, a busy database): try again after a pause, never give up the loop.
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

    private async Task ExecuteAsync(ClaimedDelivery claim, CancellationToken stopping)
    {
        // Off the claim loop at once: a step whose body blocks (synchronous work) must neither hold up
        // the claims nor keep the other deliveries of its batch from running alongside it.
        await ThreadPoolSwitch.Instance;
        try
        {
            DeliveryCommit? commit = await RunDeliveryAsync(claim, stopping).ConfigureAwait(false);
            if (commit is null)
            {
                return;
            }

            switch (await _store.CommitAsync(commit, CancellationToken.None).ConfigureAwait(false))
            {
                case CommitResult.Committed:
                    SignalWork();
                    _signals.Pulse(claim.Run.RunId);
                    break;
                case CommitResult.StateConflict:
                    // Another delivery changed state this one read: run it again on fresh state.
                    await _store.ReleaseAsync(claim.DeliveryId, _options.WorkerId, CancellationToken.None).ConfigureAwait(false);
                    SignalWork();
                    break;
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The store failed mid-commit (a lost connection, a conflict it aborted): nothing was recorded,
            // so give the delivery back to be run again now rather than when its lease expires. A delivery
            // that did commit is no longer claimed, and releasing it changes nothing.
            await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
        }
        finally
        {
            _slots!.Release();
        }
    }

    private async Task ReleaseQuietlyAsync(ClaimedDelivery claim)
    {
        try
        {
            await _store.ReleaseAsync(claim.DeliveryId, _options.WorkerId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The lease expires on its own.
        }
    }

    /// <summary>Runs the step of a claimed delivery and says what to commit, or <see langword="null"/> when nothing should be.</summary>
    private async Task<DeliveryCommit?> RunDeliveryAsync(ClaimedDelivery claim, CancellationToken stopping)
    {
        DurableRegistration registration = _registrations[claim.Run.Workflow];
        StepDefinition definition = registration.Definition.Steps[claim.Step];
        IReadOnlyDictionary<string, StoredValue> state = await _store.ReadStateAsync(claim.Run.RunId, stopping).ConfigureAwait(false);
        Event ev = registration.Serializer.Deserialize(claim.Event.Type, claim.Event.Payload);
        var host = new DurableStepHost(claim, registration.Serializer, state, _options.TimeProvider);
        var context = new WorkflowContext(host);

        using var execution = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var lease = new LeaseKeeper(this, claim.DeliveryId, execution);
        Task renewing = lease.KeepAsync();
        Event? output = null;
        Exception? error = null;
        string? waitingFor = null;
        IAsyncDisposable? scope = null;
        try
        {
            (WorkflowDispatcher dispatcher, scope) = registration.Dispatchers();
            Task<Event?> invocation = StepInvoker.Invoke(dispatcher, claim.Step, ev, context, definition, claim.Attempt, new Cancellation(execution.Token), _options.TimeProvider).AsTask();
            if (await Task.WhenAny(invocation, host.Suspended).ConfigureAwait(false) == host.Suspended && !invocation.IsCompleted)
            {
                // The step waits for an answer it does not have: abandon this execution; it runs again when the answer arrives.
                waitingFor = await host.Suspended.ConfigureAwait(false);
                await execution.CancelAsync().ConfigureAwait(false);
                _ = invocation.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            else
            {
                output = await invocation.ConfigureAwait(false);
            }
        }
        catch (Exception caught)
        {
            error = caught;
        }
        finally
        {
            await lease.StopAsync(renewing).ConfigureAwait(false);
            if (scope is not null)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (lease.Lost)
        {
            return null;
        }

        if (error is OperationCanceledException && stopping.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
            return null;
        }

        return waitingFor is not null ? Suspend(claim, registration, host, waitingFor)
            : error is null ? Complete(claim, registration, host, output)
            : Fail(claim, registration, host, error);
    }

    private DeliveryCommit Suspend(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, string waitingFor) => Commit(claim, registration, DeliveryOutcome.Waiting, host) with
    {
        WaitingFor = waitingFor,
        PromptedWaits = host.PromptedWaits,
        Events = [.. host.Outputs.Where(o => o.IsPrompt).Select(o => registration.Record(o.Event, EventRecordKind.Streamed, StepName(registration, claim), []))],
    };

    /// <summary>Records what the step did, in order: sends, stream writes, timers, then what it returned; each event's fate is the run rules'.</summary>
    private DeliveryCommit Complete(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Event? output)
    {
        string producer = StepName(registration, claim);
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        var events = new List<NewEvent>();
        RunCompletion? completion = null;
        IEnumerable<DurableOutput> outputs = host.Outputs.Where(o => !o.IsPrompt);
        if (output is not null)
        {
            outputs = outputs.Append(new DurableOutput(output, EventRecordKind.Routed, default));
        }

        foreach (DurableOutput produced in host.Outputs.Where(o => o.IsPrompt).Concat(outputs))
        {
            Event ev = produced.Event;
            if (produced.Kind == EventRecordKind.Streamed)
            {
                events.Add(registration.Record(ev, EventRecordKind.Streamed, producer, []));
                continue;
            }

            bool isStop = registration.IsStop(ev);
            List<NewDelivery> deliveries = isStop ? [] : registration.DeliveriesOf(ev, produced.Kind == EventRecordKind.Timer ? produced.DueAt : now);
            EventFate fate = RunRules.Classify(ev, isStop, deliveries.Count);
            if (fate == EventFate.EndsRun)
            {
                events.Add(registration.Record(ev, EventRecordKind.Streamed, producer, []));
                completion = new RunCompletion(WorkflowRunStatus.Completed, DurableSerializer.Name(ev.GetType()), registration.Serializer.Serialize(ev), null);
                break;
            }

            if (fate == EventFate.Unrouted)
            {
                string unrouted = RunMessages.Unrouted(RunMessages.Step(producer), registration.Name, ev.GetType());
                completion = new RunCompletion(WorkflowRunStatus.Failed, null, null, unrouted, new RunFailure(typeof(InvalidOperationException).FullName!, unrouted));
                break;
            }

            if (RunRules.IsStreamed(fate))
            {
                events.Add(registration.Record(ev, EventRecordKind.Streamed, producer, []));
            }

            if (RunRules.IsRouted(fate))
            {
                events.Add(registration.Record(ev, produced.Kind, producer, deliveries));
            }
        }

        return Commit(claim, registration, DeliveryOutcome.Done, host, lastEmpty: output is null) with
        {
            Events = events,
            StateWrites = host.StateWrites(),
            PromptedWaits = host.PromptedWaits,
            Completion = completion,
        };
    }

    /// <summary>A failed attempt: what the run rules decide — retried after its delay, handed to the step's error handler, or the end of the run.</summary>
    private DeliveryCommit Fail(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Exception error)
    {
        WorkflowDefinition workflow = registration.Definition;
        StepDefinition definition = workflow.Steps[claim.Step];
        string text = $"{ExceptionType(error)}: {error.Message}";
        string recoveriesKey = $"$recoveries:{definition.ErrorHandler}";
        int used = definition.ErrorHandler >= 0 && host.Store.TryGet(recoveriesKey, out int recovered) ? recovered : 0;
        FailureDecision decision = RunRules.AfterFailure(workflow, claim.Step, claim.Attempt, used, runEnding: false);
        switch (decision.Action)
        {
            case FailureAction.Retry:
                return Commit(claim, registration, DeliveryOutcome.Retry, host) with
                {
                    RetryAt = _options.TimeProvider.GetUtcNow() + decision.Delay,
                    Error = text,
                };
            case FailureAction.Recover:
                StepDefinition handler = workflow.Steps[decision.Handler];
                Event failed = new StepFailedEvent(definition.Name, registration.Serializer.Deserialize(claim.Event.Type, claim.Event.Payload), error, claim.Attempt);
                return Commit(claim, registration, DeliveryOutcome.Failed, host) with
                {
                    Error = text,
                    Events = [registration.Record(failed, EventRecordKind.Routed, definition.Name, [new NewDelivery(decision.Handler, handler.Name, handler.Workers, _options.TimeProvider.GetUtcNow())])],
                    StateWrites = RecoveryWrite(host, recoveriesKey, used + 1),
                };
            default:
                return Commit(claim, registration, DeliveryOutcome.Failed, host) with
                {
                    Error = text,
                    Completion = new RunCompletion(
                        WorkflowRunStatus.Failed,
                        null,
                        null,
                        RunMessages.StepFailed(definition.Name, claim.Attempt, ExceptionType(error), error.Message),
                        new RunFailure(ExceptionType(error), error.Message, definition.Name)),
                };
        }
    }

    private static List<StateWrite> RecoveryWrite(DurableStepHost host, string key, int count)
    {
        host.Store.Set(key, count);
        return host.StateWrites().Where(w => w.Key == key).ToList();
    }

    /// <summary>A commit of the delivery, with the message the run fails with if the store finds it has nothing left to do.</summary>
    private DeliveryCommit Commit(ClaimedDelivery claim, DurableRegistration registration, DeliveryOutcome outcome, DurableStepHost host, bool lastEmpty = false) => new()
    {
        DeliveryId = claim.DeliveryId,
        WorkerId = _options.WorkerId,
        RunId = claim.Run.RunId,
        Outcome = outcome,
        PromptedWaits = claim.PromptedWaits,
        AcceptsExternalEvents = registration.Definition.AcceptsExternalEvents,
        StallFailure = new RunFailure(
            typeof(WorkflowStalledException).FullName!,
            RunMessages.Stalled(claim.Run.RunId, registration.Name, lastEmpty ? StepName(registration, claim) : null, host.OpenBatches())),
    };

    /// <summary>The full name of an exception's type, as stored; a stored step exception keeps its original type.</summary>
    private static string ExceptionType(Exception error) => error is StoredStepException stored ? stored.OriginalType : error.GetType().FullName ?? error.GetType().Name;

    private static string StepName(DurableRegistration registration, ClaimedDelivery claim) => registration.Definition.Steps[claim.Step].Name;

    /// <summary>The token of one execution, as the step invoker asks for it.</summary>
    private sealed class Cancellation(CancellationToken token) : IRunCancellation
    {
        public CancellationToken RunToken => token;
    }

    /// <summary>Renews a delivery's lease while its step runs; cancels the step when the lease is lost (the run ended, or another worker took over).</summary>
    private sealed class LeaseKeeper(WorkflowRuntime runtime, long deliveryId, CancellationTokenSource execution) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public bool Lost { get; private set; }

        public async Task KeepAsync()
        {
            TimeSpan every = runtime._options.Lease / 3;
            try
            {
                while (true)
                {
                    await Task.Delay(every, runtime._options.TimeProvider, _stop.Token).ConfigureAwait(false);
                    DateTimeOffset until = runtime._options.TimeProvider.GetUtcNow() + runtime._options.Lease;
                    if (!await runtime._store.RenewLeaseAsync(deliveryId, runtime._options.WorkerId, until, _stop.Token).ConfigureAwait(false))
                    {
                        Lost = true;
                        await execution.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The step finished.
            }
            catch (Exception)
            {
                // The store is unreachable: keep running; the commit says whether the lease held.
            }
        }

        public async Task StopAsync(Task keeping)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await keeping.ConfigureAwait(false);
        }

        public void Dispose() => _stop.Dispose();
    }
}
