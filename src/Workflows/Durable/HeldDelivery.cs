namespace Workflows.Durable;

/// <summary>
/// A delivery whose step runs in this process, under this worker's lease: what <see cref="HeldDeliveries"/>
/// renews, and cancels when the run ends here. Disposing it says the step ended (its lease is no longer renewed).
/// </summary>
internal sealed class HeldDelivery : IDisposable
{
    private readonly HeldDeliveries _owner;
    private bool _lost;

    internal HeldDelivery(HeldDeliveries owner, long deliveryId, string runId, CancellationTokenSource execution, long renewedAt)
    {
        _owner = owner;
        DeliveryId = deliveryId;
        RunId = runId;
        Execution = execution;
        RenewedAt = renewedAt;
    }

    public long DeliveryId { get; }

    public string RunId { get; }

    /// <summary>Cancels the step's execution.</summary>
    public CancellationTokenSource Execution { get; }

    /// <summary>When its lease was last taken or renewed, in UTC ticks of the runtime's clock (read and written under the owner's lock).</summary>
    internal long RenewedAt { get; set; }

    /// <summary>Where it sits in the owner's list; -1 once the step ended (under the owner's lock).</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>Whether the lease was lost while the step ran. Stable once the delivery is disposed: a renewal refused later leaves it alone.</summary>
    public bool Lost => Volatile.Read(ref _lost);

    /// <summary>The store said the worker no longer holds the delivery: the step stops, and nothing it did is recorded.</summary>
    public Task LoseAsync()
    {
        MarkLost();
        return CancelAsync();
    }

    internal void MarkLost() => Volatile.Write(ref _lost, true);

    /// <summary>Stops the step; nothing to do if it already ended.</summary>
    internal async Task CancelAsync()
    {
        try
        {
            await Execution.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The step ended meanwhile: nothing left to cancel.
        }
    }

    public void Dispose() => _owner.Remove(this);
}
