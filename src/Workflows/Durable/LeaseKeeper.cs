using Microsoft.Extensions.Logging;

namespace Workflows.Durable;

/// <summary>
/// Renews a delivery's lease while its step runs, and cancels the step when the lease is lost (its
/// run ended, or another worker took the delivery over). A renewal the store refuses to answer is
/// logged and tried again at the next interval: the commit says whether the lease held.
/// </summary>
internal sealed class LeaseKeeper(IWorkflowStore store, WorkflowRuntimeOptions options, ILogger logger, long deliveryId, CancellationTokenSource execution) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _keeping = Task.CompletedTask;

    /// <summary>Whether the lease was lost while the step ran.</summary>
    public bool Lost { get; private set; }

    public void Start() => _keeping = KeepAsync();

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keeping.ConfigureAwait(false);
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>The store said the worker no longer holds the delivery: stop the step as if a renewal had found it.</summary>
    public async Task LoseAsync()
    {
        Lost = true;
        await execution.CancelAsync().ConfigureAwait(false);
    }

    private async Task KeepAsync()
    {
        TimeSpan every = options.Lease / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, options.TimeProvider, _stop.Token).ConfigureAwait(false);
                DateTimeOffset until = options.TimeProvider.GetUtcNow() + options.Lease;
                if (!await store.RenewLeaseAsync(deliveryId, options.WorkerId, until, _stop.Token).ConfigureAwait(false))
                {
                    Lost = true;
                    await execution.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The step finished.
                return;
            }
            catch (Exception error)
            {
                DurableLog.LeaseRenewalFailed(logger, error, deliveryId);
            }
        }
    }
}
