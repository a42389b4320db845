using Workflows;

namespace Workflows.Benchmarks.Flows;

/// <summary>A one-step durable run whose step tells the benchmark the moment it starts (the benchmark and the worker share a process).</summary>
[Workflow]
public partial class SignalFlow
{
    private static TaskCompletionSource s_ran = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next run's step starts; call before starting the run.</summary>
    public static Task NextRan()
    {
        s_ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return s_ran.Task;
    }

    [Step]
    public static Finished Work(Begin begin)
    {
        s_ran.TrySetResult();
        return new Finished(begin.Value);
    }
}
