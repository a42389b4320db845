using Microsoft.Extensions.Logging;

namespace Workflows.Durable;

/// <summary>
/// The deliveries whose steps this worker is running. One loop renews their leases: every sixth of the
/// lease it renews, together, each one taken or renewed at least a third of the lease ago, so a
/// lease is renewed while between a third and a half of it has passed. When a run ends here (cancelled,
/// past its deadline, its parent ended) its steps are cancelled at once rather than at their next renewal.
/// </summary>
/// <remarks>
/// A step costs no timer, task or token of its own: most steps end long before their first renewal,
/// and taking and giving back a slot in the list is all they pay. A renewal the store refuses to
/// answer is logged and tried again at the next tick; one the store says no to (the run ended, or
/// another worker took the delivery over) cancels the step, and its commit records nothing.
/// </remarks>
internal sealed class HeldDeliveries(IWorkflowStore store, WorkflowRuntimeOptions options, ILogger logger)
{
    private readonly Lock _gate = new();
    private HeldDelivery[] _held = new HeldDelivery[16];
    private int _count;

    /// <summary>Holds a delivery whose step starts now; dispose what it returns when the step ends.</summary>
    public HeldDelivery Add(ClaimedDelivery claim, CancellationTokenSource execution)
    {
        var held = new HeldDelivery(this, claim.DeliveryId, claim.Run.RunId, execution, options.TimeProvider.GetUtcNow().UtcTicks);
        lock (_gate)
        {
            if (_count == _held.Length)
            {
                Array.Resize(ref _held, _count * 2);
            }

            held.Slot = _count;
            _held[_count++] = held;
        }

        return held;
    }

    internal void Remove(HeldDelivery held)
    {
        lock (_gate)
        {
            int slot = held.Slot;
            if (slot < 0)
            {
                return;
            }

            // The last one takes its slot: no gaps, no shifting.
            HeldDelivery last = _held[--_count];
            _held[slot] = last;
            last.Slot = slot;
            _held[_count] = null!;
            held.Slot = -1;
        }
    }

    /// <summary>Cancels the steps of <paramref name="runId"/> running here.</summary>
    public void Cancel(string runId)
    {
        List<HeldDelivery>? ofRun = null;
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                if (string.Equals(_held[i].RunId, runId, StringComparison.Ordinal))
                {
                    (ofRun ??= []).Add(_held[i]);
                }
            }
        }

        // Outside the lock: cancelling runs the step's callbacks.
        foreach (HeldDelivery held in ofRun ?? [])
        {
            _ = held.CancelAsync();
        }
    }

    /// <summary>Renews the leases of held deliveries until <paramref name="stop"/> (cancelled once no step runs any more).</summary>
    public async Task KeepLeasesAsync(CancellationToken stop)
    {
        TimeSpan lease = options.Lease;
        // A timer ticks at most once a millisecond: a lease shorter than 6 ms is looked at that often.
        using var ticks = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(lease.Ticks / 6, TimeSpan.TicksPerMillisecond)), options.TimeProvider);
        var due = new List<HeldDelivery>();
        var renewals = new List<Task>();
        try
        {
            while (await ticks.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                DateTimeOffset now = options.TimeProvider.GetUtcNow();
                long renewBefore = (now - lease / 3).UtcTicks;
                due.Clear();
                lock (_gate)
                {
                    for (int i = 0; i < _count; i++)
                    {
                        if (_held[i].RenewedAt <= renewBefore)
                        {
                            due.Add(_held[i]);
                        }
                    }
                }

                renewals.Clear();
                foreach (HeldDelivery held in due)
                {
                    renewals.Add(RenewAsync(held, now, now + lease, stop));
                }

                await Task.WhenAll(renewals).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The runtime stopped, and its steps with it.
        }
    }

    private async Task RenewAsync(HeldDelivery held, DateTimeOffset now, DateTimeOffset until, CancellationToken stop)
    {
        try
        {
            if (await store.RenewLeaseAsync(held.DeliveryId, options.WorkerId, until, stop).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    held.RenewedAt = now.UtcTicks;
                }

                return;
            }

            lock (_gate)
            {
                if (held.Slot < 0)
                {
                    // The step ended meanwhile, and its commit says how the lease stood.
                    return;
                }

                held.MarkLost();
            }

            await held.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: no step is left to renew for.
        }
        catch (Exception error)
        {
            // Tried again at the next tick; the commit says whether the lease held.
            DurableLog.LeaseRenewalFailed(logger, error, held.DeliveryId);
        }
    }
}
