namespace Workflows.Tests.Flows;

public sealed record Burst(int Count) : StartEvent;
public sealed record Job(int Number) : Event;
public sealed record JobDone(int Number) : Event;
public sealed record BurstDone(int Jobs, int MaxConcurrent) : StopEvent;

/// <summary>Fans out <c>Count</c> jobs to a step limited to 3 workers and records how many overlapped.</summary>
[Workflow]
public partial class WorkersFlow
{
    private int _running;
    private int _maxRunning;

    [Step, Emits(typeof(Job))]
    public static void Split(Burst burst, WorkflowContext ctx)
    {
        for (int i = 0; i < burst.Count; i++)
        {
            ctx.Send(new Job(i));
        }

        ctx.Store.Set("count", burst.Count);
    }

    [Step(Workers = 3)]
    public async Task<JobDone> Work(Job job, CancellationToken ct)
    {
        int running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        await Task.Delay(20, ct);
        Interlocked.Decrement(ref _running);
        return new JobDone(job.Number);
    }

    [Step]
    public BurstDone? Join(JobDone done, WorkflowContext ctx) =>
        ctx.Collect(done, ctx.Store.Get<int>("count")) is { } all ? new BurstDone(all.Count, Volatile.Read(ref _maxRunning)) : null;

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>The same fan-out with the default single worker: invocations never overlap.</summary>
[Workflow]
public partial class SingleWorkerFlow
{
    private int _running;
    private int _maxRunning;

    [Step, Emits(typeof(Job))]
    public static void Split(Burst burst, WorkflowContext ctx)
    {
        for (int i = 0; i < burst.Count; i++)
        {
            ctx.Send(new Job(i));
        }
    }

    [Step]
    public async Task<JobDone> Work(Job job)
    {
        int running = Interlocked.Increment(ref _running);
        _maxRunning = Math.Max(_maxRunning, running);
        await Task.Delay(5);
        Interlocked.Decrement(ref _running);
        return new JobDone(job.Number);
    }

    [Step]
    public BurstDone? Join(JobDone done, WorkflowContext ctx) =>
        ctx.Collect(done, 5) is { } all ? new BurstDone(all.Count, _maxRunning) : null;
}

/// <summary>
/// Synchronous, blocking work with 2 workers still overlaps: such steps run on the thread pool. Jobs
/// meet in pairs at a barrier, which only two truly concurrent invocations can pass.
/// </summary>
[Workflow]
public partial class SyncWorkersFlow
{
    private readonly Barrier _pairs = new(2);
    private int _running;
    private int _maxRunning;

    [Step, Emits(typeof(Job))]
    public static void Split(Burst burst, WorkflowContext ctx)
    {
        for (int i = 0; i < burst.Count; i++)
        {
            ctx.Send(new Job(i));
        }
    }

    [Step(Workers = 2)]
    public JobDone Work(Job job)
    {
        int running = Interlocked.Increment(ref _running);
        lock (this)
        {
            _maxRunning = Math.Max(_maxRunning, running);
        }

        bool met = _pairs.SignalAndWait(TimeSpan.FromSeconds(10));
        Interlocked.Decrement(ref _running);
        return met ? new JobDone(job.Number) : throw new TimeoutException($"job {job.Number} ran alone: the two workers did not overlap");
    }

    [Step]
    public BurstDone? Join(JobDone done, WorkflowContext ctx) =>
        ctx.Collect(done, 4) is { } all ? new BurstDone(all.Count, _maxRunning) : null;
}
