using Workflows.Engine;

namespace Workflows;

// What reaches a run from its steps and from outside: ctx.Send, SendEventAsync, WaitForAsync, Collect.
public abstract partial class WorkflowHandler
{
    private List<ResponseWaiter>? _waiters;
    private Dictionary<Type, List<Event>>? _collected;

    /// <summary>
    /// Sends an event into the run from outside, typically a <see cref="HumanResponseEvent"/>
    /// answering an <see cref="InputRequiredEvent"/>. A step waiting in
    /// <see cref="WorkflowContext.WaitForAsync{TResponse}"/> for this type gets it first; otherwise it
    /// is routed to every step that accepts it.
    /// </summary>
    /// <param name="ev">The event.</param>
    /// <returns>A task that completes when the event is accepted by the run.</returns>
    /// <exception cref="ArgumentException">No step accepts the event's type and none waits for it.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public ValueTask SendEventAsync(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ThrowIfEnded("accepts no more events");
        if (TakeWaiterFor(ev) is { } waiter)
        {
            waiter.Complete(ev);
            return default;
        }

        if (IsStop(ev) || _dispatcher.Route(ev).IsEmpty)
        {
            if (ChildTaking(ev) is { } child)
            {
                return child.SendEventAsync(ev);
            }

            throw new ArgumentException(
                $"Workflow '{WorkflowName}' has no step that accepts '{ev.GetType().Name}' and no step is waiting for one. " +
                $"It accepts from outside: {DescribeExternalEvents()}.",
                nameof(ev));
        }

        Post(InboxMessage.Routed(ev, Producer.Outside));
        return default;
    }

    internal void SendFromStep(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (t_inlineRun == this)
        {
            // On the loop's own thread, inside a synchronous step: no hop, no allocation.
            _local.Enqueue(new PendingEvent(ev, _inlineStep));
            return;
        }

        Post(InboxMessage.Routed(ev, Producer.UnknownStep));
    }

    internal IReadOnlyList<T>? Collect<T>(T ev, int count)
        where T : Event
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Sync)
        {
            _collected ??= new Dictionary<Type, List<Event>>();
            if (!_collected.TryGetValue(typeof(T), out List<Event>? batch))
            {
                _collected[typeof(T)] = batch = new List<Event>(count);
            }

            batch.Add(ev);
            if (batch.Count < count)
            {
                return null;
            }

            var complete = new T[count];
            for (int i = 0; i < count; i++)
            {
                complete[i] = (T)batch[i];
            }

            batch.RemoveRange(0, count);
            return complete;
        }
    }

    internal async ValueTask<TResponse> WaitForAsync<TResponse>(InputRequiredEvent prompt, CancellationToken cancellationToken)
        where TResponse : HumanResponseEvent
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var waiter = new ResponseWaiter<TResponse>();
        lock (Sync)
        {
            ThrowIfEnded("cannot wait for input");
            (_waiters ??= new List<ResponseWaiter>()).Add(waiter);
        }

        // Registered before the prompt is visible, so an answer can never arrive before its waiter.
        WriteToStream(prompt);
        using CancellationTokenRegistration byCaller = cancellationToken.UnsafeRegister(static (state, token) => ((ResponseWaiter)state!).Abandon(new OperationCanceledException(token)), waiter);
        using CancellationTokenRegistration byRun = RunToken.UnsafeRegister(static (state, token) => ((ResponseWaiter)state!).Abandon(new OperationCanceledException(token)), waiter);
        try
        {
            return await waiter.Answer.ConfigureAwait(false);
        }
        finally
        {
            lock (Sync)
            {
                _waiters!.Remove(waiter);
            }
        }
    }

    private ResponseWaiter? TakeWaiterFor(Event ev)
    {
        lock (Sync)
        {
            if (_waiters is null)
            {
                return null;
            }

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

    private void AbandonWaiters()
    {
        if (Volatile.Read(ref _waiters) is null)
        {
            return;
        }

        ResponseWaiter[] abandoned;
        lock (Sync)
        {
            abandoned = _waiters!.ToArray();
            _waiters.Clear();
        }

        if (abandoned.Length == 0)
        {
            return;
        }

        Exception reason = OutcomeException() ?? new InvalidOperationException(
            $"Run '{RunId}' of workflow '{WorkflowName}' completed while a step was still waiting for input.");
        foreach (ResponseWaiter waiter in abandoned)
        {
            waiter.Abandon(reason);
        }
    }

    private void ThrowIfEnded(string consequence)
    {
        if (Status is not WorkflowRunStatus.Running and var status)
        {
            throw new InvalidOperationException($"Run '{RunId}' of workflow '{WorkflowName}' has {Describe(status)}; it {consequence}.");
        }
    }

    private string DescribeExternalEvents()
    {
        var names = new List<string>();
        foreach (GraphStep step in _definition.Graph.Steps)
        {
            if (step.Accepts.Kind == EventKind.HumanResponse && !names.Contains(step.Accepts.Name))
            {
                names.Add(step.Accepts.Name);
            }
        }

        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }
}
