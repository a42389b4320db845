using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using Workflows.Engine;

namespace Workflows;

// The run's loop: one logical thread that owns routing, worker slots and the outcome.
public abstract partial class WorkflowHandler
{
    // Loop-owned state: touched only by the thread currently running the loop.
    private LocalQueue _local;
    private StepSlot[]? _slots;
    private int _inFlight;
    private int _lastEmptyProducer = Producer.Start;
    private int[]? _recoveries;

    // The inbox, created the first time something arrives from another thread.
    private Channel<InboxMessage>? _inbox;

    /// <summary>
    /// Routes every event that is ready, running synchronous steps inline. Returns
    /// <see langword="true"/> when the run has reached its outcome.
    /// </summary>
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
                    Route(pending.Event, pending.Producer);
                }
                else if (Volatile.Read(ref _inbox) is { } inbox && inbox.Reader.TryRead(out InboxMessage message))
                {
                    Handle(message);
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
    /// Called when nothing is ready: returns the inbox to wait on, or <see langword="null"/> when the
    /// run can never make progress again (then it has failed with <see cref="WorkflowStalledException"/>).
    /// </summary>
    private protected ChannelReader<InboxMessage>? PrepareToWait()
    {
        if (_inFlight == 0 && Volatile.Read(ref _pendingTimers) == 0 && !_definition.AcceptsExternalEvents)
        {
            Fail(new WorkflowStalledException(WorkflowName, RunId, DescribeStall()));
            return null;
        }

        return (Volatile.Read(ref _inbox) ?? CreateInbox()).Reader;
    }

    /// <summary>Ends the run: cancels what is in flight, settles the stream and waiting steps.</summary>
    private protected void Finish()
    {
        _timeoutTimer?.Dispose();
        _callerRegistration.Dispose();
        Volatile.Read(ref _cts)?.Cancel();
        AbandonWaiters();
        CompleteStream();
        if (_observer is { } observer)
        {
            if (Status == WorkflowRunStatus.Completed)
            {
                observer.EventStreamed(this, _stopEvent!);
            }

            observer.RunEnded(this, Status, OutcomeException());
        }
    }

    /// <summary>The exception the run ends with, or <see langword="null"/> when it completed.</summary>
    private protected Exception? OutcomeException() => Status switch
    {
        WorkflowRunStatus.Completed => null,
        WorkflowRunStatus.Failed => _failure!.SourceException,
        WorkflowRunStatus.TimedOut => new WorkflowTimeoutException(WorkflowName, RunId, _timeout ?? TimeSpan.Zero),
        _ => new OperationCanceledException($"Run '{RunId}' of workflow '{WorkflowName}' was cancelled.", _callerToken),
    };

    /// <summary>Throws the run's failure as it was thrown, or the cancellation or timeout.</summary>
    private protected void ThrowOutcome()
    {
        if (Status == WorkflowRunStatus.Failed)
        {
            _failure!.Throw();
        }

        throw OutcomeException()!;
    }

    private protected Event StopEvent => _stopEvent!;

    private void Handle(in InboxMessage message)
    {
        switch (message.Kind)
        {
            case InboxKind.StepCompleted:
                _inFlight--;
                _slots![message.Step].Active--;
                Produce((Event?)message.Payload, message.Step);
                DeliverWaiting(message.Step);
                break;
            case InboxKind.StepFailed:
                _inFlight--;
                _slots![message.Step].Active--;
                var failure = (StepFailure)message.Payload!;
                if (!TryRecover(message.Step, failure))
                {
                    Fail(failure.Error);
                }

                DeliverWaiting(message.Step);
                break;
            case InboxKind.Routed:
                Route((Event)message.Payload!, message.Step);
                break;
        }
    }

    private void Route(Event ev, int producer)
    {
        _observer?.EventRouted(this, ev, producer >= 0 ? _definition[producer].Name : null);
        if (IsStop(ev))
        {
            _stopEvent = ev;
            SetOutcome(WorkflowRunStatus.Completed);
            return;
        }

        bool streamed = false;
        if (ev is InputRequiredEvent)
        {
            WriteToStream(ev);
            streamed = true;
        }

        ReadOnlySpan<int> steps = _dispatcher.Route(ev);
        if (steps.IsEmpty)
        {
            if (!streamed)
            {
                Fail(new InvalidOperationException(DescribeUnrouted(ev, producer)));
            }

            return;
        }

        foreach (int step in steps)
        {
            Deliver(step, ev);
        }
    }

    /// <summary>
    /// Hands a step's final failure to its error handler, as a <see cref="StepFailedEvent"/> for that
    /// handler alone, while the handler has recoveries left in this run.
    /// </summary>
    private bool TryRecover(int step, StepFailure failure)
    {
        int handler = _definition[step].ErrorHandler;
        if (handler < 0 || Status != WorkflowRunStatus.Running || IsEnding(failure.Error))
        {
            return false;
        }

        int[] recoveries = _recoveries ??= new int[_definition.Steps.Count];
        if (recoveries[handler] >= _definition[handler].MaxRecoveries)
        {
            return false;
        }

        recoveries[handler]++;
        var failed = new StepFailedEvent(_definition[step].Name, failure.Event, failure.Error, failure.Attempts);
        _observer?.EventRouted(this, failed, _definition[step].Name);
        Deliver(handler, failed);
        return true;
    }

    private void Produce(Event? output, int producer)
    {
        if (output is null)
        {
            _lastEmptyProducer = producer;
            return;
        }

        _local.Enqueue(new PendingEvent(output, producer));
    }

    private void Fail(Exception error)
    {
        if (Status == WorkflowRunStatus.Running)
        {
            _failure = ExceptionDispatchInfo.Capture(error);
            SetOutcome(WorkflowRunStatus.Failed);
        }
    }

    private void SetOutcome(WorkflowRunStatus status) => Interlocked.Exchange(ref _status, (int)status);

    private void Post(in InboxMessage message) => (Volatile.Read(ref _inbox) ?? CreateInbox()).Writer.TryWrite(message);

    private Channel<InboxMessage> CreateInbox()
    {
        Channel<InboxMessage> created = Channel.CreateUnbounded<InboxMessage>(new UnboundedChannelOptions { SingleReader = true });
        return Interlocked.CompareExchange(ref _inbox, created, null) ?? created;
    }

    private string StepName(int producer) => producer switch
    {
        >= 0 => $"Step '{_definition[producer].Name}'",
        Producer.Start => "The caller of RunAsync",
        Producer.Outside => "SendEventAsync",
        _ => "A step (with ctx.Send)",
    };

    private string DescribeUnrouted(Event ev, int producer) =>
        $"{StepName(producer)} produced '{ev.GetType().Name}', but no step of workflow '{WorkflowName}' accepts it. " +
        $"Add a step that takes it, or declare it with [Emits(typeof({ev.GetType().Name}))] so the analyzers check the graph.";

    private string DescribeStall()
    {
        var text = new StringBuilder($"Run '{RunId}' of workflow '{WorkflowName}' stalled: no event is pending, no step is running, and no StopEvent was produced.");
        if (_lastEmptyProducer >= 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" The last step to produce nothing was '{_definition[_lastEmptyProducer].Name}' (it returned null).");
        }

        lock (Sync)
        {
            if (_collected is not null)
            {
                foreach ((Type type, List<Event> batch) in _collected)
                {
                    if (batch.Count > 0)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" ctx.Collect holds {batch.Count} '{type.Name}' event(s) of a batch that never filled.");
                    }
                }
            }
        }

        return text.ToString();
    }
}
