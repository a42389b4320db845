using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>
/// A token bucket per API key, and per user of the app's default authentication scheme (which has
/// authenticated the request by the time this runs); other requests share a small fixed window per
/// client address, which also slows down anyone guessing keys. Rejections are 429 problems with Retry-After.
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

        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests from this caller." + wait).ConfigureAwait(false);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        RateLimitSettings limits = options.Value.RateLimit;
        ApiKeyCheck check = keys.Check(httpContext.Request);
        string? caller = check.Outcome == ApiKeyOutcome.Valid ? "key:" + check.Name
            : httpContext.User.Identity is { IsAuthenticated: true, Name: { } user } ? "user:" + user
            : null;
        if (caller is not null)
        {
            return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
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
