using Hangfire;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// The 3-step run as a Hangfire user writes it: each job enqueues the next (durably, in Hangfire's
/// storage), the last one counts the run as done.
/// </summary>
public static class HangfireChain
{
    private static long s_completed;

    public static long Completed => Interlocked.Read(ref s_completed);

    public static void Twice(int value) => BackgroundJob.Enqueue(() => Increment(value * 2));

    public static void Increment(int value) => BackgroundJob.Enqueue(() => Finish(value + 1));

    public static void Finish(int value)
    {
        _ = value;
        Interlocked.Increment(ref s_completed);
    }
}
