using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Durable;

namespace Workflows.Server;

/// <summary>Ready when the workflow store answers a query: the runtime has opened it and it is reachable.</summary>
internal sealed class WorkflowStoreHealthCheck(WorkflowRuntime runtime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await runtime.ListRunsAsync(new RunQuery(Limit: 1), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The workflow store answers.");
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The description is answered to anyone (health needs no key); the exception goes to the log.
            return HealthCheckResult.Unhealthy("The workflow store does not answer.", error);
        }
    }
}
