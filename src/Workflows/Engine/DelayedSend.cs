namespace Workflows.Engine;

/// <summary>One pending <c>ctx.SendAfter</c>/<c>SendAt</c> of an in-memory run: fires once, or is dropped when the run ends first.</summary>
internal sealed class DelayedSend(InMemoryRun run, Event ev, Rules.Lineage? lineage)
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
            run.TimerFired(ev, lineage);
            Dispose();
        }
    }

    private void Drop()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            run.TimerDropped();
            Dispose();
        }
    }

    private void Dispose()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
    }
}
