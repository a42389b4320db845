namespace Workflows.Durable;

/// <summary>
/// Records a running step's <c>ctx.OnceAsync</c> results for its delivery, at once: a result the store
/// refuses because the worker lost the delivery ends the execution as a lost lease (another worker
/// has the delivery, and will do the work itself).
/// </summary>
internal sealed class ResultRecorder(IWorkflowStore store, string workerId, ClaimedDelivery claim, string step, HeldDelivery lease)
{
    public string Step => step;

    public async Task RecordAsync(string key, string type, string payload, CancellationToken cancellationToken)
    {
        var result = new RecordedResult(claim.DeliveryId, workerId, claim.Run.RunId, step, key, type, payload);
        if (!await store.RecordResultAsync(result, cancellationToken).ConfigureAwait(false))
        {
            await lease.LoseAsync().ConfigureAwait(false);
            throw new OperationCanceledException($"Step '{step}' lost its delivery of run '{claim.Run.RunId}' before recording '{key}'; the worker that holds it now runs the step.");
        }
    }
}
