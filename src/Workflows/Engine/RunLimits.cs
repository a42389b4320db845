namespace Workflows.Engine;

/// <summary>
/// What can end an in-memory run from outside its steps: its <see cref="RunOptions.Timeout"/> and its
/// caller's <see cref="CancellationToken"/>. Made only for a run that has one of them.
/// </summary>
internal sealed class RunLimits : IDisposable
{
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;

    private RunLimits(CancellationToken callerToken) => CallerToken = callerToken;

    /// <summary>The caller's token, reported in the run's <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CallerToken { get; }

    /// <summary>Arms the timeout and the caller's token; <see langword="null"/> when the run has neither.</summary>
    public static RunLimits? Arm(InMemoryRun run, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        bool timed = timeout is { } limit && limit != Timeout.InfiniteTimeSpan;
        if (!timed && !cancellationToken.CanBeCanceled)
        {
            return null;
        }

        var limits = new RunLimits(cancellationToken);
        if (timed)
        {
            limits._timer = time.CreateTimer(
                static state => ((InMemoryRun)state!).RequestCancel(WorkflowRunStatus.TimedOut),
                run,
                timeout!.Value,
                Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            limits._registration = cancellationToken.UnsafeRegister(
                static state => ((InMemoryRun)state!).RequestCancel(WorkflowRunStatus.Cancelled),
                run);
        }

        return limits;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _registration.Dispose();
    }
}
