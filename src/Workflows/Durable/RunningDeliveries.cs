using System.Collections.Concurrent;

namespace Workflows.Durable;

/// <summary>
/// The deliveries this process is running, by run: when a run ends here (cancelled, past its
/// deadline, its parent ended), its steps are cancelled at once rather than at their next lease renewal.
/// </summary>
internal sealed class RunningDeliveries
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CancellationTokenSource, byte>> _byRun = new(StringComparer.Ordinal);

    public IDisposable Add(string runId, CancellationTokenSource execution)
    {
        _byRun.GetOrAdd(runId, static _ => new()).TryAdd(execution, 0);
        return new Registration(this, runId, execution);
    }

    /// <summary>Cancels the steps of <paramref name="runId"/> running here.</summary>
    public void Cancel(string runId)
    {
        if (_byRun.TryGetValue(runId, out ConcurrentDictionary<CancellationTokenSource, byte>? executions))
        {
            foreach (CancellationTokenSource execution in executions.Keys)
            {
                try
                {
                    execution.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // That execution ended meanwhile: nothing left to cancel.
                }
            }
        }
    }

    private void Remove(string runId, CancellationTokenSource execution)
    {
        if (_byRun.TryGetValue(runId, out ConcurrentDictionary<CancellationTokenSource, byte>? executions))
        {
            executions.TryRemove(execution, out _);
            if (executions.IsEmpty)
            {
                _byRun.TryRemove(new KeyValuePair<string, ConcurrentDictionary<CancellationTokenSource, byte>>(runId, executions));
            }
        }
    }

    private sealed class Registration(RunningDeliveries owner, string runId, CancellationTokenSource execution) : IDisposable
    {
        public void Dispose() => owner.Remove(runId, execution);
    }
}
