using Workflows.Rules;

namespace Workflows.Engine;

/// <summary>
/// What a run's steps and its callers share besides events: steps waiting for an answer
/// (<c>ctx.WaitForAsync</c>), fan-in batches (<c>ctx.Collect</c>) and running sub-workflows, under
/// one lock. Made the first time a run uses any of them.
/// </summary>
internal sealed class RunInputs
{
    private readonly Lock _lock = new();
    private readonly List<ResponseWaiter> _waiters = [];
    private readonly List<InMemoryRun> _children = [];
    private Dictionary<Type, List<Event>>? _batches;

    /// <summary>Adds a waiter unless the run has ended (checked under the lock that <see cref="AbandonWaiters"/> takes).</summary>
    public bool TryAddWaiter(ResponseWaiter waiter, InMemoryRun run)
    {
        lock (_lock)
        {
            if (run.Status != WorkflowRunStatus.Running)
            {
                return false;
            }

            _waiters.Add(waiter);
            return true;
        }
    }

    public void RemoveWaiter(ResponseWaiter waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
        }
    }

    /// <summary>The oldest waiter for <paramref name="ev"/>'s type, taken off the list.</summary>
    public ResponseWaiter? TakeWaiterFor(Event ev)
    {
        lock (_lock)
        {
            for (int i = 0; i < _waiters.Count; i++)
            {
                if (_waiters[i].Accepts(ev))
                {
                    ResponseWaiter waiter = _waiters[i];
                    _waiters.RemoveAt(i);
                    return waiter;
                }
            }

            return null;
        }
    }

    public bool HasWaiterFor(Event ev)
    {
        lock (_lock)
        {
            return _waiters.Exists(waiter => waiter.Accepts(ev));
        }
    }

    /// <summary>Ends every wait: the run has ended, with its error or cancellation, or completed without the answer.</summary>
    public void AbandonWaiters(InMemoryRun run)
    {
        ResponseWaiter[] abandoned;
        lock (_lock)
        {
            abandoned = [.. _waiters];
            _waiters.Clear();
        }

        if (abandoned.Length == 0)
        {
            return;
        }

        Exception reason = run.OutcomeException() ?? new InvalidOperationException(RunMessages.CompletedWhileWaiting(run.RunId, run.WorkflowName));

        foreach (ResponseWaiter waiter in abandoned)
        {
            waiter.Abandon(reason);
        }
    }

    /// <summary>Fan-in of this run, per event type, by <see cref="RunRules.Collect"/>.</summary>
    public IReadOnlyList<T>? Collect<T>(T ev, int count)
        where T : Event
    {
        lock (_lock)
        {
            _batches ??= [];
            if (!_batches.TryGetValue(typeof(T), out List<Event>? batch))
            {
                _batches[typeof(T)] = batch = new List<Event>(count);
            }

            if (!RunRules.Collect<Event>(batch, ev, count))
            {
                return null;
            }

            var complete = new T[count];
            for (int i = 0; i < count; i++)
            {
                complete[i] = (T)batch[i];
            }

            RunRules.TakeBatch(batch, count);
            return complete;
        }
    }

    /// <summary>The batches still filling: the gathered type's name and how many events each holds.</summary>
    public List<(string Type, int Count)> OpenBatches()
    {
        lock (_lock)
        {
            var open = new List<(string Type, int Count)>();
            if (_batches is not null)
            {
                foreach ((Type type, List<Event> batch) in _batches)
                {
                    open.Add((type.Name, batch.Count));
                }
            }

            return open;
        }
    }

    public void AddChild(InMemoryRun child)
    {
        lock (_lock)
        {
            _children.Add(child);
        }
    }

    public void RemoveChild(InMemoryRun child)
    {
        lock (_lock)
        {
            _children.Remove(child);
        }
    }

    public InMemoryRun[] Children()
    {
        lock (_lock)
        {
            return [.. _children];
        }
    }
}
