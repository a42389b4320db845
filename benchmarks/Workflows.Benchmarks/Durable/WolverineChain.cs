namespace Workflows.Benchmarks.Durable;

/// <summary>The 3-step run as a Wolverine user writes it: each handler returns the next message (cascaded through a durable local queue), the last one counts the run as done.</summary>
public sealed record WolverineBegin(int Value);

/// <summary>The first step's result.</summary>
public sealed record WolverineDoubled(int Value);

/// <summary>The second step's result.</summary>
public sealed record WolverineIncremented(int Value);

/// <summary>The handlers Wolverine finds by convention.</summary>
public static class WolverineChain
{
    private static long s_completed;

    public static long Completed => Interlocked.Read(ref s_completed);

    public static WolverineDoubled Handle(WolverineBegin begin) => new(begin.Value * 2);

    public static WolverineIncremented Handle(WolverineDoubled doubled) => new(doubled.Value + 1);

    public static void Handle(WolverineIncremented incremented)
    {
        _ = incremented;
        Interlocked.Increment(ref s_completed);
    }
}
