using System.Threading.Channels;
using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Engine;

// The run's loop: one logical thread that routes events, runs synchronous steps inline, and sets the
// outcome. What it decides comes from RunRules; this file only applies it.
internal abstract partial class InMemoryRun
{
    // Loop-owned: touched only by the thread currently running the loop.
    private LocalQueue _local;
    private StepSlots _slots;
    private int _lastEmptyProducer = Producer.Start;
    private int[]? _recoveries;

    // Filled from any thread, read by the loop.
    private RunInbox _inbox;

    /// <summary>Routes every event that is ready, running synchronous steps inline; true once the run has its outcome.</summary>
    private protected bool Drain()
    {
        try
        {
            while (true)
            {
                if (_status != (int)WorkflowRunStatus.Running)
                {
                    return true;
                }

                if (Volatile.Read(ref _cancelRequest) is var reason and not 0)
                {
                    SetOutcome((WorkflowRunStatus)reason);
                    return true;
                }

                if (_local.TryDequeue(out PendingEvent pending))
                {
                    Route(pending.Event, pending.Producer, pending.Lineage);
                }
                else if (_inbox.TryRead(out InboxMessage message))
                {
                    Apply(message);
                }
                else
                {
                    return false;
                }
            }
        }
        catch (Exception error)
        {
            // Only a defect of the engine or of generated code lands here; fail the run, never hang it.
            Fail(error);
            return true;
        }
    }

    /// <summary>
    /// Called when nothing is ready: the inbox to wait on, or <see langword="null"/> when the run can
    /// never make progress again (then it has failed with <see cref="WorkflowStalledException"/>).
    /// </summary>
    private protected ChannelReader<InboxMessage>? PrepareToWait()
    {
        int pending = Volatile.Read(ref _pendingTimers) + (_inbox.HasMessages || _inbox.HasSenders ? 1 : 0);
        if (RunRules.HasStalled(_slots.InFlight, pending, Volatile.Read(ref _openQuestions)))
        {
            string? lastEmpty = _lastEmptyProducer >= 0 ? _definition[_lastEmptyProducer].Name : null;
            IEnumerable<(string, int)> open = Volatile.Read(ref _inputs)?.OpenBatches() ?? [];
            Fail(new WorkflowStalledException(WorkflowName, RunId, RunMessages.Stalled(RunId, WorkflowName, lastEmpty, open, OpenJoins())));
            return null;
        }

        return _inbox.Reader;
    }

    /// <summary>Ends the run: cancels what is in flight, settles waiting steps and the stream, tells the observer.</summary>
    private protected void Finish()
    {
        _limits?.Dispose();
        Volatile.Read(ref _cts)?.Cancel();
        Volatile.Read(ref _inputs)?.AbandonWaiters(this);
        _stream.End(this);
        if (_observer is { } observer)
        {
            if (Status == WorkflowRunStatus.Completed)
            {
                observer.EventStreamed(Handle, _stopEvent!);
            }

            observer.RunEnded(Handle, Status, OutcomeException());
        }
    }

    private void Apply(in InboxMessage message)
    {
        switch (message.Kind)
        {
            case InboxKind.StepCompleted:
                _slots.End(message.Step);
                Produce(message.Event, message.Step, message.Lineage);
                DeliverWaiting(message.Step);
                break;
            case InboxKind.StepFailed:
                _slots.End(message.Step);
                var failure = (StepFailure)message.Payload!;
                if (!TryRecover(message.Step, failure))
                {
                    Fail(failure.Error);
                }

                DeliverWaiting(message.Step);
                break;
            case InboxKind.Routed:
                Route(message.Event!, message.Step, message.Lineage);
                break;
            case InboxKind.Sent:
                _inbox.Took();
                Route(message.Event!, message.Step, message.Lineage);
                break;
        }
    }

    private void Route(Event ev, int producer, Lineage? lineage)
    {
        _observer?.EventRouted(Handle, ev, producer >= 0 ? _definition[producer].Name : null);
        bool isStop = IsStop(ev);
        ReadOnlySpan<int> steps = isStop ? default : _dispatcher.Route(ev);
        EventFate fate = RunRules.Classify(ev, isStop, steps.Length);
        if (fate == EventFate.EndsRun)
        {
            _stopEvent = ev;
            SetOutcome(WorkflowRunStatus.Completed);
            return;
        }

        if (fate == EventFate.Unrouted)
        {
            Fail(new InvalidOperationException(RunMessages.Unrouted(ProducerName(producer), WorkflowName, ev.GetType())));
            return;
        }

        if (RunRules.IsStreamed(fate))
        {
            // A question: until something from outside answers it, the run waits for a person rather than stalling.
            Interlocked.Increment(ref _openQuestions);
            WriteToStream(ev, mayWait: false);
        }

        foreach (int step in steps)
        {
            if (_definition[step].JoinsItems)
            {
                Arrive(step, ev, producer, lineage);
            }
            else
            {
                Deliver(step, ev, lineage);
            }
        }
    }
}

/// <summary>An in-memory run whose StopEvent is <typeparamref name="TStop"/>: the loop's one <c>await</c>.</summary>
internal sealed class InMemoryRun<TStop>(WorkflowDefinition definition, WorkflowDispatcher dispatcher, RunOptions? options)
    : InMemoryRun(definition, dispatcher, options)
    where TStop : StopEvent
{
    /// <summary>Starts the run; the task ends with the StopEvent, or with the run's error or cancellation.</summary>
    public Task<TStop> Start(StartEvent start, CancellationToken cancellationToken)
    {
        Begin(start, cancellationToken);
        return RunLoopAsync();
    }

    private protected override bool IsStop(Event ev) => ev is TStop;

    private async Task<TStop> RunLoopAsync()
    {
        if (ThreadPoolSwitch.IsNeeded)
        {
            // Steps must not be posted back to a UI or test SynchronizationContext that may block on the result.
            await ThreadPoolSwitch.Instance;
        }

        while (!Drain())
        {
            if (PrepareToWait() is { } inbox)
            {
                // No token: cancellation and timeouts post a wake-up message, so waiting allocates nothing.
                await inbox.WaitToReadAsync().ConfigureAwait(false);
            }
        }

        Finish();
        if (Status != WorkflowRunStatus.Completed)
        {
            ThrowOutcome();
        }

        return (TStop)StopEvent!;
    }
}
