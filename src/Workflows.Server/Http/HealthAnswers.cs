using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workflows.Server.Http;

/// <summary>
/// The health endpoints' answers: "Healthy" as plain text when ready (what probes expect), and a problem
/// when not — which check failed, never the exception behind it (these endpoints need no key; the
/// health check service logs the exception).
/// </summary>
internal static class HealthAnswers
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status != HealthStatus.Unhealthy)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
        }

        string failing = string.Join(" ", report.Entries.Values.Where(e => e.Status == HealthStatus.Unhealthy).Select(e => e.Description ?? "A check failed."));
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "not_ready", $"The server is not ready. {failing}".TrimEnd());
    }
}
