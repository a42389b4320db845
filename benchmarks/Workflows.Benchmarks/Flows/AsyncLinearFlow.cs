using Workflows;

namespace Workflows.Benchmarks.Flows;

/// <summary>The same three steps, each yielding once: every hop goes through the thread pool.</summary>
[Workflow]
public static partial class AsyncLinearFlow
{
    [Step]
    public static async Task<Doubled> Twice(Begin begin)
    {
        await Task.Yield();
        return new Doubled(begin.Value * 2);
    }

    [Step]
    public static async Task<Incremented> Increment(Doubled doubled)
    {
        await Task.Yield();
        return new Incremented(doubled.Value + 1);
    }

    [Step]
    public static async Task<Finished> Finish(Incremented incremented)
    {
        await Task.Yield();
        return new Finished(incremented.Value);
    }
}
