using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Workflows.Diagnostics;
using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Engine;

/// <summary>
/// The in-memory host of one run: it applies <see cref="RunRules"/> to events and failures on one
/// logical loop (see InMemoryRun.Loop.cs). Its state is split by owner: the loop's own scheduling
/// (<see cref="LocalQueue"/>, <see cref="StepSlots"/>), what crosses threads (<see cref="RunInbox"/>,
/// <see cref="RunStream"/>, <see cref="RunInputs"/>, <see cref="RunLimits"/>), and the outcome here.
/// <see cref="WorkflowHandler"/> is the public handle in front of it.
/// </summary>
internal abstract partial class InMemoryRun : IStepHost, IRunCancellation
{
    private readonly WorkflowDefinition _definition;
    private readonly WorkflowDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _timeout;
    private readonly WorkflowObserver? _observer;
    private readonly WorkflowObserver? _userObserver;
    private readonly long _runNumber = RunIds.Next();
    private readonly WorkflowContext _context;
    private readonly int _streamCapacity;
    private readonly int _inboxCapacity;
    private string? _runId;
    private StateStore? _store;

    // Outcome: _status is written by the loop (or once by a failure before it starts), with a full fence.
    private int _status;
    private Event? _stopEvent;
    private ExceptionDispatchInfo? _failure;

    // Cancellation: the first WorkflowRunStatus asked for (Cancelled, TimedOut), and the steps' token, made on first use.
    private int _cancelRequest;
    private CancellationTokenSource? _cts;
    private RunLimits? _limits;

    private protected InMemoryRun(WorkflowDefinition definition, WorkflowDispatcher dispatcher, RunOptions? options)
    {
        _definition = definition;
        _dispatcher = dispatcher;
        _context = new WorkflowContext(this);
        _time = options?.TimeProvider ?? TimeProvider.System;
        _timeout = options?.Timeout;
        _userObserver = options?.Observer;
        _streamCapacity = options?.StreamCapacity ?? RunStream.DefaultCapacity;
        _inboxCapacity = options?.InboxCapacity ?? RunInbox.DefaultCapacity;
        _observer = CompositeObserver.Combine(_userObserver, WorkflowTelemetry.ObserverIfListening);
        if (_timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, $"RunOptions.Timeout must be positive; it was {timeout}.");
        }
    }

    /// <summary>The public handle of this run, passed to observers.</summary>
    public WorkflowHandler Handle { get; set; } = null!;

    public string RunId => _runId ??= RunIds.Format(_runNumber);

    public string WorkflowName => _definition.Name;

    public WorkflowRunStatus Status => (WorkflowRunStatus)Volatile.Read(ref _status);

    /// <summary>The run's span, while something listens to <see cref="WorkflowTelemetry"/>.</summary>
    public Activity? TelemetryActivity { get; set; }

    /// <summary>The context handed to steps; this run is its host.</summary>
    private WorkflowContext Context => _context;

    public StateStore Store
    {
        get
        {
            StateStore? store = Volatile.Read(ref _store);
            return store ?? Interlocked.CompareExchange(ref _store, new StateStore(), null) ?? _store!;
        }
    }

    /// <summary>Whether <paramref name="ev"/> is the workflow's StopEvent type.</summary>
    private protected abstract bool IsStop(Event ev);

    /// <summary>Begins the run: the StartEvent is queued, the timeout and the caller's token armed.</summary>
    private protected void Begin(StartEvent start, CancellationToken cancellationToken)
    {
        _observer?.RunStarted(Handle);
        _local.Enqueue(new PendingEvent(start, Producer.Start));
        _limits = RunLimits.Arm(this, _timeout, _time, cancellationToken);
    }

    /// <summary>The token handed to steps: cancelled when the run ends for any reason. Made on first use.</summary>
    public CancellationToken RunToken
    {
        get
        {
            CancellationTokenSource? cts = Volatile.Read(ref _cts);
            return (cts ?? CreateRunCancellation()).Token;
        }
    }

    private CancellationTokenSource CreateRunCancellation()
    {
        var created = new CancellationTokenSource();
        CancellationTokenSource cts = Interlocked.CompareExchange(ref _cts, created, null) ?? created;

        // Interlocked above is a full fence: either RequestCancel/SetOutcome sees our CTS, or we see their flag.
        if (Volatile.Read(ref _cancelRequest) != 0 || Volatile.Read(ref _status) != (int)WorkflowRunStatus.Running)
        {
            cts.Cancel();
        }

        return cts;
    }

    /// <summary>Asks the loop to end the run as cancelled or timed out; the first reason wins.</summary>
    public void RequestCancel(WorkflowRunStatus reason)
    {
        if (Interlocked.CompareExchange(ref _cancelRequest, (int)reason, 0) != 0 || Status != WorkflowRunStatus.Running)
        {
            return;
        }

        Volatile.Read(ref _cts)?.Cancel();
        _inbox.Post(InboxMessage.Wake());
    }

    /// <summary>The exception the run ends with, or <see langword="null"/> when it completed.</summary>
    public Exception? OutcomeException() => Status switch
    {
        WorkflowRunStatus.Completed => null,
        WorkflowRunStatus.Failed => _failure!.SourceException,
        WorkflowRunStatus.TimedOut => new WorkflowTimeoutException(WorkflowName, RunId, _timeout ?? TimeSpan.Zero),
        _ => new OperationCanceledException(RunMessages.Cancelled(RunId, WorkflowName), _limits?.CallerToken ?? default),
    };

    /// <summary>Throws the run's failure as it was thrown, or its cancellation or timeout.</summary>
    private protected void ThrowOutcome()
    {
        if (Status == WorkflowRunStatus.Failed)
        {
            _failure!.Throw();
        }

        throw OutcomeException()!;
    }

    /// <summary>The StopEvent, once the run completed.</summary>
    public Event? StopEvent => _stopEvent;

    /// <summary>How many unread events the run's stream holds (<see cref="RunOptions.StreamCapacity"/>).</summary>
    public int StreamCapacity => _streamCapacity;

    private void Fail(Exception error)
    {
        if (Status == WorkflowRunStatus.Running)
        {
            _failure = ExceptionDispatchInfo.Capture(error);
            SetOutcome(WorkflowRunStatus.Failed);
        }
    }

    private void SetOutcome(WorkflowRunStatus status) => Interlocked.Exchange(ref _status, (int)status);

    /// <summary>Throws when the run has ended, saying what it therefore does not do.</summary>
    private void ThrowIfEnded(string consequence)
    {
        if (Status is not WorkflowRunStatus.Running and var status)
        {
            throw new InvalidOperationException(RunMessages.Ended(RunId, WorkflowName, status, consequence));
        }
    }

    /// <summary>Who produced an event, for messages.</summary>
    private string ProducerName(int producer) => producer switch
    {
        >= 0 => RunMessages.Step(_definition[producer].Name),
        Producer.Start => RunMessages.Caller,
        Producer.Outside => RunMessages.Outside,
        _ => RunMessages.SomeStep,
    };
}
