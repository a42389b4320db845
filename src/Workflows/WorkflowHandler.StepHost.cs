using Workflows.Engine;

namespace Workflows;

// The in-memory run as the host of its steps' WorkflowContext.
public abstract partial class WorkflowHandler
{
    private int _pendingTimers;

    StateStore IStepHost.Store => Store;

    TimeProvider IStepHost.Time => _time;

    void IStepHost.Send(Event ev) => SendFromStep(ev);

    void IStepHost.WriteToStream(Event ev) => WriteToStream(ev);

    IReadOnlyList<T>? IStepHost.Collect<T>(T ev, int count) => Collect(ev, count);

    ValueTask<TResponse> IStepHost.WaitForAsync<TResponse>(InputRequiredEvent prompt, CancellationToken cancellationToken) =>
        WaitForAsync<TResponse>(prompt, cancellationToken);

    Task<TStop> IStepHost.RunChildAsync<TStart, TStop>(IWorkflow<TStart, TStop> workflow, TStart start, CancellationToken cancellationToken) =>
        RunChildAsync(workflow, start, cancellationToken);

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
            SendFromStep(ev);
            return;
        }

        Interlocked.Increment(ref _pendingTimers);
        var timer = new DelayedSend(this, ev);
        timer.Start(_time, delay, RunToken);
    }

    /// <summary>One pending SendAfter/SendAt of an in-memory run.</summary>
    private sealed class DelayedSend(WorkflowHandler run, Event ev)
    {
        private ITimer? _timer;
        private CancellationTokenRegistration _cancellation;
        private int _done;

        public void Start(TimeProvider time, TimeSpan delay, CancellationToken runEnding)
        {
            _timer = time.CreateTimer(static state => ((DelayedSend)state!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
            _cancellation = runEnding.UnsafeRegister(static state => ((DelayedSend)state!).Drop(), this);
        }

        private void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                // Routed before the count drops, so the loop never sees "nothing pending" in between;
                // then woken once more, so a loop already waiting re-checks whether it has stalled.
                run.Post(InboxMessage.Routed(ev, Producer.UnknownStep));
                Interlocked.Decrement(ref run._pendingTimers);
                run.Post(InboxMessage.Wake());
                Dispose();
            }
        }

        private void Drop()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref run._pendingTimers);
                Dispose();
            }
        }

        private void Dispose()
        {
            _timer?.Dispose();
            _cancellation.Dispose();
        }
    }
}
