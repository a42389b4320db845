namespace Workflows.Tests.Flows;

public sealed record Attempt(int FailuresBeforeSuccess) : StartEvent;
public sealed record Recovered(int Attempts) : StopEvent;

/// <summary>Throws until it has failed <c>FailuresBeforeSuccess</c> times; up to 4 attempts.</summary>
[Workflow]
public partial class RetryFlow
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    [Step(MaxAttempts = 4)]
    public Recovered Flaky(Attempt attempt)
    {
        int number = Interlocked.Increment(ref _attempts);
        return number <= attempt.FailuresBeforeSuccess
            ? throw new InvalidOperationException($"attempt {number} failed")
            : new Recovered(number);
    }
}

/// <summary>Always throws, asynchronously, with exponential delays of 100, 200, 400 ms between 4 attempts.</summary>
[Workflow]
public partial class BackoffFlow
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    [Step(MaxAttempts = 4, RetryDelayMs = 100, Backoff = Backoff.Exponential)]
    public async Task<Recovered> AlwaysFails(Attempt attempt)
    {
        await Task.Yield();
        throw new TimeoutException($"attempt {Interlocked.Increment(ref _attempts)} timed out upstream");
    }
}

public sealed record Slow(bool Cooperative) : StartEvent;
public sealed record SlowDone : StopEvent;

/// <summary>A step that never finishes on its own, bounded by a 50 ms timeout per attempt, 2 attempts.</summary>
[Workflow]
public partial class StepTimeoutFlow
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public TaskCompletionSource Abandoned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Step(TimeoutMs = 50, MaxAttempts = 2)]
    public async Task<SlowDone> Hang(Slow slow, CancellationToken ct)
    {
        Interlocked.Increment(ref _attempts);
        if (slow.Cooperative)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        else
        {
            await Abandoned.Task;
        }

        return new SlowDone();
    }
}

public sealed record Wait : StartEvent;
public sealed record Waited : StopEvent;
public sealed record Side : Event;

/// <summary>One step waits forever (observing its token), another ends the run: the first must be cancelled.</summary>
[Workflow]
public partial class CancelledInFlightFlow
{
    public TaskCompletionSource<bool> SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Step]
    public async Task Forever(Wait wait, CancellationToken ct)
    {
        Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            SawCancellation.TrySetResult(true);
            throw;
        }
    }

    [Step]
    public async Task<Side> Later(Wait wait)
    {
        await Started.Task;
        return new Side();
    }

    [Step]
    public static Waited End(Side side) => new();
}

/// <summary>Waits forever until cancelled or timed out.</summary>
[Workflow]
public partial class ForeverFlow
{
    public TaskCompletionSource<bool> SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Step]
    public async Task<Waited> Forever(Wait wait, CancellationToken ct)
    {
        Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            SawCancellation.TrySetResult(true);
            throw;
        }

        return new Waited();
    }
}
