using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>
/// A token bucket per API key; requests without a valid key share a small fixed window per client
/// address, which also slows down anyone guessing keys. The key is checked here, before
/// authentication, so a flood of bad keys is throttled too. Rejections are 429 problems with Retry-After.
/// </summary>
internal sealed class WorkflowsRateLimitPolicy(ApiKeyRing keys, IOptions<WorkflowServerOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "Workflows";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
    {
        string wait = string.Empty;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
        {
            int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            wait = $" Try again in {seconds} s.";
        }

        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests for this API key." + wait).ConfigureAwait(false);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        RateLimitSettings limits = options.Value.RateLimit;
        ApiKeyCheck check = keys.Check(httpContext.Request);
        if (check.Outcome == ApiKeyOutcome.Valid)
        {
            return RateLimitPartition.GetTokenBucketLimiter("key:" + check.Name, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        string client = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter("anonymous:" + client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.AnonymousPermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
