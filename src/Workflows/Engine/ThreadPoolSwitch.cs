using System.Runtime.CompilerServices;

namespace Workflows.Engine;

/// <summary>
/// <c>await ThreadPoolSwitch.Instance</c> continues on the thread pool, outside any
/// SynchronizationContext or TaskScheduler of the caller.
/// </summary>
internal readonly struct ThreadPoolSwitch : ICriticalNotifyCompletion
{
    public static ThreadPoolSwitch Instance => default;

    /// <summary>Whether the caller runs somewhere a step's continuations should not be posted to.</summary>
    public static bool IsNeeded => SynchronizationContext.Current is not null || TaskScheduler.Current != TaskScheduler.Default;

    public bool IsCompleted => false;

    public ThreadPoolSwitch GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
