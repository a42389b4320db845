using System.Collections.Concurrent;

namespace Workflows.Durable;

/// <summary>
/// Wakes whoever follows a run in this process the moment this process changes it (a commit, an
/// event sent in, a cancel), so following costs no polling delay; changes other processes make are
/// seen by the followers' bounded poll. Costs one dictionary lookup per change when nobody follows.
/// </summary>
internal sealed class RunSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>Completes at the run's next change. Take it before reading the run, so no change slips between.</summary>
    public Task Next(string runId) =>
        _next.GetOrAdd(runId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(string runId)
    {
        if (!_next.IsEmpty && _next.TryRemove(runId, out TaskCompletionSource? next))
        {
            next.TrySetResult();
        }
    }

    /// <summary>Waits for the run's change (taken as <paramref name="changed"/>) or for <paramref name="poll"/>, whichever is first.</summary>
    public static async Task WaitAsync(Task changed, TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task delay = Task.Delay(poll, time, timeout.Token);
        await Task.WhenAny(changed, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
