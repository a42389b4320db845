namespace Workflows.Durable;

// Retention: finished runs older than WorkflowRuntimeOptions.Retention are deleted in the background.
public sealed partial class WorkflowRuntime
{
    /// <summary>Whose purges the journal and logs name when retention deletes runs.</summary>
    internal const string RetentionRequester = "retention";

    /// <summary>
    /// Every tenth of the retention period (between a second and an hour), deletes the runs that ended
    /// longer ago than the period. Several processes may do it at once: each batch takes rows the
    /// others have not locked, and deleting a deleted run is nothing.
    /// </summary>
    private async Task RetentionLoopAsync(TimeSpan retention, CancellationToken stopping)
    {
        TimeSpan interval = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await PurgeAsAsync(new PurgeQuery { FinishedBefore = _options.TimeProvider.GetUtcNow() - retention }, null, RetentionRequester, stopping).ConfigureAwait(false);
                await Task.Delay(interval, _options.TimeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The store may be down: say so, and try again at the next interval.
                DurableLog.RetentionFailed(_logger, error, interval);
                try
                {
                    await Task.Delay(interval, _options.TimeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
