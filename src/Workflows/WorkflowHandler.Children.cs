namespace Workflows;

// Sub-workflows: a step runs another workflow inside this run.
public abstract partial class WorkflowHandler
{
    private List<WorkflowHandler>? _children;

    internal async Task<TStop> RunChildAsync<TStart, TStop>(IWorkflow<TStart, TStop> workflow, TStart start, CancellationToken cancellationToken)
        where TStart : StartEvent
        where TStop : StopEvent
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(start);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(RunToken, cancellationToken);

        // The child shares the clock and the observers; telemetry makes its span a child of this step's.
        var options = new RunOptions { TimeProvider = _time, Observer = _userObserver };
        WorkflowHandler<TStop> child = workflow.RunAsync(start, options, cancellation.Token);
        lock (Sync)
        {
            (_children ??= []).Add(child);
        }

        try
        {
            await foreach (Event ev in child.StreamEvents(CancellationToken.None).ConfigureAwait(false))
            {
                if (ev is not TStop)
                {
                    WriteToStream(ev);
                }
            }

            return await child.Result.ConfigureAwait(false);
        }
        finally
        {
            lock (Sync)
            {
                _children!.Remove(child);
            }
        }
    }

    /// <summary>Whether this run, as it is now, would take <paramref name="ev"/> from outside.</summary>
    private bool CanTake(Event ev)
    {
        if (Status != WorkflowRunStatus.Running)
        {
            return false;
        }

        lock (Sync)
        {
            if (_waiters is not null && _waiters.Exists(waiter => waiter.Accepts(ev)))
            {
                return true;
            }
        }

        return !IsStop(ev) && !_dispatcher.Route(ev).IsEmpty;
    }

    /// <summary>The running sub-workflow that would take <paramref name="ev"/>, searched depth-first.</summary>
    private WorkflowHandler? ChildTaking(Event ev)
    {
        WorkflowHandler[] children;
        lock (Sync)
        {
            if (_children is not { Count: > 0 })
            {
                return null;
            }

            children = [.. _children];
        }

        foreach (WorkflowHandler child in children)
        {
            if (child.CanTake(ev))
            {
                return child;
            }

            if (child.ChildTaking(ev) is { } grandchild)
            {
                return grandchild;
            }
        }

        return null;
    }
}
