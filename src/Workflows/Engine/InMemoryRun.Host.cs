using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Workflows.Rules;

namespace Workflows.Engine;

// What reaches the run from its steps (the WorkflowContext's host) and from outside (SendEventAsync, StreamEvents).
internal abstract partial class InMemoryRun
{
    private RunStream _stream;
    private RunInputs? _inputs;
    private int _pendingTimers;
    private int _openQuestions;

    /// <summary>Waiters, fan-in batches and children: made on first use.</summary>
    private RunInputs Inputs
    {
        get
        {
            RunInputs? inputs = Volatile.Read(ref _inputs);
            return inputs ?? Interlocked.CompareExchange(ref _inputs, new RunInputs(), null) ?? _inputs!;
        }
    }

    // The attempt of the step whose async flow is calling, set only for retries (a first attempt costs nothing),
    // and tagged with its run so a sub-workflow started from a retried step does not see its parent's number.
    private static readonly AsyncLocal<(InMemoryRun Run, int Attempt)> s_attempt = new();

    // The lineage of the branch whose async flow is calling, set only inside a fan-out (elsewhere it costs nothing),
    // so what a branch sends with ctx.Send off the loop stays in its branch.
    private static readonly AsyncLocal<(InMemoryRun Run, Lineage Lineage)> s_branch = new();

    /// <summary>The lineage of the step calling from off the loop, if it runs inside a fan-out.</summary>
    private Lineage? BranchLineage => s_branch.Value is (var run, var lineage) && run == this ? lineage : null;

    TimeProvider IStepHost.Time => _time;

    int IStepHost.Attempt => s_attempt.Value is (var run, int attempt) && run == this ? attempt : 1;

    // A run in memory keeps no record to index; the tag goes on the step's span, where traces show it.
    void IStepHost.SetTag(string key, string value) => System.Diagnostics.Activity.Current?.SetTag(Diagnostics.WorkflowTelemetry.TagPrefix + key, value);

    // In memory the stream is live and nothing is recorded: a live event is a streamed one.
    void IStepHost.WriteLive(Event ev) => ((IStepHost)this).WriteToStream(ev);

    // In memory nothing outlives the run, so there is nothing to record: the work simply runs, under the run's token too.
    async ValueTask<T> IStepHost.OnceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == RunToken)
        {
            return await work(RunToken).ConfigureAwait(false);
        }

        using var both = CancellationTokenSource.CreateLinkedTokenSource(RunToken, cancellationToken);
        return await work(both.Token).ConfigureAwait(false);
    }

    void IStepHost.Send(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (t_inlineRun == this)
        {
            // On the loop's own thread, inside a synchronous step: no hop, no allocation.
            _local.Enqueue(new PendingEvent(ev, _inlineStep, _inlineLineage));
            return;
        }

        // Off the loop: waits while the inbox is full, so a step cannot outrun the loop's memory.
        _inbox.Send(ev, Producer.UnknownStep, BranchLineage, _inboxCapacity, this);
    }

    /// <summary>
    /// A timer on the run's clock that routes the event when due. A pending timer keeps the run from
    /// counting as stalled; the run's end disposes it.
    /// </summary>
    void IStepHost.SendAt(Event ev, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(ev);
        TimeSpan delay = when - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            ((IStepHost)this).Send(ev);
            return;
        }

        Interlocked.Increment(ref _pendingTimers);
        new DelayedSend(this, ev, t_inlineRun == this ? _inlineLineage : BranchLineage).Start(_time, delay, RunToken);
    }

    /// <summary>
    /// A timer fired: its event is routed before the count drops, so the loop never sees "nothing
    /// pending" in between; then the loop is woken once more, so a loop already waiting re-checks
    /// whether it has stalled.
    /// </summary>
    internal void TimerFired(Event ev, Lineage? lineage)
    {
        _inbox.Post(InboxMessage.Routed(ev, Producer.UnknownStep, lineage));
        Interlocked.Decrement(ref _pendingTimers);
        _inbox.Post(InboxMessage.Wake());
    }

    /// <summary>A timer was dropped because the run ended.</summary>
    internal void TimerDropped() => Interlocked.Decrement(ref _pendingTimers);

    /// <summary>A step writes to the stream: off the loop it may wait for the reader; on it (a synchronous step inline) it never blocks the loop.</summary>
    public void WriteToStream(Event ev) => WriteToStream(ev, mayWait: t_inlineRun != this);

    private void WriteToStream(Event ev, bool mayWait)
    {
        ArgumentNullException.ThrowIfNull(ev);
        _observer?.EventStreamed(Handle, ev);
        _stream.Write(ev, mayWait, this);
    }

    IReadOnlyList<T>? IStepHost.Collect<T>(T ev, int count)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Inputs.Collect(ev, count);
    }

    async ValueTask<TResponse?> IStepHost.WaitForAsync<TResponse>(InputRequiredEvent prompt, TimeSpan? timeout, CancellationToken cancellationToken)
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var waiter = new ResponseWaiter<TResponse>();
        RunInputs inputs = Inputs;
        if (!inputs.TryAddWaiter(waiter, this))
        {
            ThrowIfEnded("cannot wait for input");
        }

        // Registered before the prompt is visible, so an answer can never arrive before its waiter.
        WriteToStream(prompt);
        using CancellationTokenRegistration byCaller = cancellationToken.UnsafeRegister(static (state, token) => ((ResponseWaiter)state!).Abandon(new OperationCanceledException(token)), waiter);
        using CancellationTokenRegistration byRun = RunToken.UnsafeRegister(static (state, token) => ((ResponseWaiter)state!).Abandon(new OperationCanceledException(token)), waiter);
        using ITimer? deadline = timeout is { } limit ? _time.CreateTimer(static state => ((ResponseWaiter)state!).Expire(), waiter, limit, Timeout.InfiniteTimeSpan) : null;
        try
        {
            return await waiter.Answer.ConfigureAwait(false);
        }
        finally
        {
            inputs.RemoveWaiter(waiter);
        }
    }

    async Task<TChildStop> IStepHost.RunChildAsync<TChildStart, TChildStop>(IWorkflow<TChildStart, TChildStop> workflow, TChildStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(start);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(RunToken, cancellationToken);

        // The child shares the clock and the observers; telemetry makes its span a child of this step's.
        WorkflowHandler<TChildStop> child = workflow.RunAsync(start, new RunOptions { TimeProvider = _time, Observer = _userObserver }, cancellation.Token);
        RunInputs inputs = Inputs;
        inputs.AddChild(child.Run);
        try
        {
            return await ChildRuns.ForwardAsync(child, this).ConfigureAwait(false);
        }
        finally
        {
            inputs.RemoveChild(child.Run);
        }
    }

    /// <summary>
    /// An event from outside: to the oldest step waiting for its type, else to the steps that accept
    /// it, else to a running sub-workflow that would take it.
    /// </summary>
    public ValueTask SendEventAsync(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ThrowIfEnded("accepts no more events");
        if (Volatile.Read(ref _inputs)?.TakeWaiterFor(ev) is { } waiter)
        {
            waiter.Complete(ev);
            return default;
        }

        if (IsStop(ev) || _dispatcher.Route(ev).IsEmpty)
        {
            if (ChildTaking(ev) is { } child)
            {
                return child.SendEventAsync(ev);
            }

            throw new ArgumentException(RunMessages.NotAccepted(WorkflowName, ev.GetType(), _definition.ExternalEvents), nameof(ev));
        }

        // Posted before the question counts as answered, so the loop never sees neither.
        ValueTask sent = _inbox.SendAsync(ev, Producer.Outside, _inboxCapacity, this);
        if (sent.IsCompletedSuccessfully)
        {
            AnswerOneQuestion();
            return default;
        }

        return SentWhenRoomAsync(sent);
    }

    /// <summary>An event from outside waits for room in the inbox; the run ending first is a clear error.</summary>
    private async ValueTask SentWhenRoomAsync(ValueTask sent)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (OperationCanceledException error)
        {
            // The run ended (or is ending) while the event waited for room: it was never taken.
            throw new InvalidOperationException(RunMessages.Ended(RunId, WorkflowName, Status == WorkflowRunStatus.Running ? WorkflowRunStatus.Cancelled : Status, "accepts no more events"), error);
        }

        AnswerOneQuestion();
    }

    private void AnswerOneQuestion()
    {
        int open;
        while ((open = Volatile.Read(ref _openQuestions)) > 0 && Interlocked.CompareExchange(ref _openQuestions, open - 1, open) != open)
        {
        }
    }

    /// <summary>Takes the run's one stream; <see langword="null"/> when it was already taken.</summary>
    public IAsyncEnumerable<Event>? TakeStream(CancellationToken cancellationToken) =>
        _stream.TryTake() ? _stream.Read(this, cancellationToken) : null;

    /// <summary>Whether this run, as it is now, would take <paramref name="ev"/> from outside.</summary>
    private bool CanTake(Event ev) =>
        Status == WorkflowRunStatus.Running &&
        (Volatile.Read(ref _inputs)?.HasWaiterFor(ev) == true || (!IsStop(ev) && !_dispatcher.Route(ev).IsEmpty));

    /// <summary>The running sub-workflow that would take <paramref name="ev"/>, searched depth-first.</summary>
    private InMemoryRun? ChildTaking(Event ev)
    {
        if (Volatile.Read(ref _inputs) is not { } inputs)
        {
            return null;
        }

        foreach (InMemoryRun child in inputs.Children())
        {
            if (child.CanTake(ev))
            {
                return child;
            }

            if (child.ChildTaking(ev) is { } grandchild)
            {
                return grandchild;
            }
        }

        return null;
    }
}
