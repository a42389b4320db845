using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Workflows.Diagnostics;
using Workflows.Engine;
using Workflows.Infrastructure;

namespace Workflows;

/// <summary>
/// A run of a workflow, started at once by the generated <c>RunAsync</c>: stream its events, send
/// events into it, cancel it. <see cref="WorkflowHandler{TStop}"/> adds the typed result.
/// </summary>
/// <remarks>
/// The run owns a loop that routes each event to every step that accepts it. Events a step
/// produces synchronously are routed on the same thread without allocation; events that arrive
/// from other threads (asynchronous completions, <see cref="SendEventAsync"/>) flow through the
/// run's inbox, a <see cref="Channel{T}"/>.
/// </remarks>
public abstract partial class WorkflowHandler : IStepHost, IRunCancellation
{
    private readonly WorkflowDefinition _definition;
    private readonly WorkflowDispatcher _dispatcher;
    private readonly WorkflowContext _context;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _timeout;
    private readonly WorkflowObserver? _observer;
    private readonly WorkflowObserver? _userObserver;
    private readonly long _runNumber = RunIds.Next();
    private Lock? _sync;
    private string? _runId;
    private StateStore? _store;

    // Outcome. _status is written once, by the loop, with a full fence (see SetOutcome).
    private int _status;
    private Event? _stopEvent;
    private ExceptionDispatchInfo? _failure;

    // Cancellation: _cancelRequest holds the first WorkflowRunStatus asked for (Cancelled, TimedOut).
    private int _cancelRequest;
    private CancellationTokenSource? _cts;
    private CancellationToken _callerToken;
    private CancellationTokenRegistration _callerRegistration;
    private ITimer? _timeoutTimer;

    private protected WorkflowHandler(WorkflowDefinition definition, WorkflowDispatcher dispatcher, RunOptions? options)
    {
        _definition = definition;
        _dispatcher = dispatcher;
        _context = new WorkflowContext(this);
        _time = options?.TimeProvider ?? TimeProvider.System;
        _timeout = options?.Timeout;
        _userObserver = options?.Observer;
        _observer = CompositeObserver.Combine(_userObserver, WorkflowTelemetry.ObserverIfListening);
        if (_timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, $"RunOptions.Timeout must be positive; it was {timeout}.");
        }
    }

    /// <summary>The run's id: unique across runs and processes (formatted on first use).</summary>
    public string RunId => _runId ??= RunIds.Format(_runNumber);

    /// <summary>The name of the workflow this run belongs to.</summary>
    public string WorkflowName => _definition.Name;

    /// <summary>Where the run stands.</summary>
    public WorkflowRunStatus Status => (WorkflowRunStatus)Volatile.Read(ref _status);

    /// <summary>Completes when the run ends: with the StopEvent, or with its error or cancellation.</summary>
    public abstract Task Completion { get; }

    /// <summary>The run's span, while something listens to <see cref="WorkflowTelemetry"/>.</summary>
    internal Activity? TelemetryActivity { get; set; }

    /// <summary>Guards what steps and callers share: waiters, fan-in batches, the stream's creation. Created on first use.</summary>
    private Lock Sync
    {
        get
        {
            Lock? sync = Volatile.Read(ref _sync);
            return sync ?? Interlocked.CompareExchange(ref _sync, new Lock(), null) ?? _sync!;
        }
    }

    internal StateStore Store
    {
        get
        {
            StateStore? store = Volatile.Read(ref _store);
            return store ?? Interlocked.CompareExchange(ref _store, new StateStore(), null) ?? _store!;
        }
    }

    /// <summary>
    /// Cancels the run: steps in flight see their <see cref="CancellationToken"/> cancelled, and the
    /// handler throws <see cref="OperationCanceledException"/>. Does nothing once the run has ended.
    /// </summary>
    public void Cancel() => RequestCancel(WorkflowRunStatus.Cancelled);

    /// <summary>Whether <paramref name="ev"/> ends the run (it is the workflow's StopEvent type).</summary>
    private protected abstract bool IsStop(Event ev);

    /// <summary>Starts the run's loop: called once, by <see cref="WorkflowRunner"/>.</summary>
    internal abstract void Start(StartEvent start, CancellationToken cancellationToken);

    /// <summary>Begins the run: called once, by <see cref="WorkflowRunner"/>.</summary>
    private protected void Begin(StartEvent start, CancellationToken cancellationToken)
    {
        _observer?.RunStarted(this);
        _local.Enqueue(new PendingEvent(start, Producer.Start));
        if (_timeout is { } timeout && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timeoutTimer = _time.CreateTimer(
                static state => ((WorkflowHandler)state!).RequestCancel(WorkflowRunStatus.TimedOut),
                this,
                timeout,
                System.Threading.Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _callerToken = cancellationToken;
            _callerRegistration = cancellationToken.UnsafeRegister(
                static state => ((WorkflowHandler)state!).RequestCancel(WorkflowRunStatus.Cancelled),
                this);
        }
    }

    /// <summary>
    /// The token handed to steps: cancelled when the run ends for any reason. Created on first use,
    /// so runs whose steps take no token never allocate it.
    /// </summary>
    /// <inheritdoc/>
    CancellationToken IRunCancellation.RunToken => RunToken;

    internal CancellationToken RunToken
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

    private void RequestCancel(WorkflowRunStatus reason)
    {
        if (Interlocked.CompareExchange(ref _cancelRequest, (int)reason, 0) != 0 || Status != WorkflowRunStatus.Running)
        {
            return;
        }

        Volatile.Read(ref _cts)?.Cancel();
        Post(InboxMessage.Wake());
    }

    /// <summary>The text of an outcome, for messages: "completed", "failed", ….</summary>
    private static string Describe(WorkflowRunStatus status) => status switch
    {
        WorkflowRunStatus.Completed => "completed",
        WorkflowRunStatus.Failed => "failed",
        WorkflowRunStatus.Cancelled => "been cancelled",
        WorkflowRunStatus.TimedOut => "timed out",
        _ => "is running",
    };
}
