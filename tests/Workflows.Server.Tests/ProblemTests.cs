using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Workflows.Server.Tests;

/// <summary>An unexpected failure is a 500 problem that tells a client nothing internal, except in Development.</summary>
public sealed class ProblemTests
{
    [Fact]
    public async Task Outside_development_an_unexpected_error_shows_no_exception_or_stack()
    {
        await using var server = new ServerHost(services: BreakTheClock, environment: "Production");

        HttpResponseMessage response = await server.Client().PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook" });

        JsonNode problem = await response.AssertProblemAsync(500, "unexpected", "An unexpected error occurred; it was logged with this response's traceId.");
        string body = problem.ToJsonString();
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Null(problem["exception"]);
        Assert.NotNull((string?)problem["traceId"]);
    }

    [Fact]
    public async Task In_development_the_problem_carries_the_exception()
    {
        await using var server = new ServerHost(services: BreakTheClock, environment: "Development");

        HttpResponseMessage response = await server.Client().PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook" });

        JsonNode problem = await response.AssertProblemAsync(500, "unexpected", "the clock broke: secret detail");
        Assert.Contains("System.InvalidOperationException: the clock broke: secret detail", (string?)problem["exception"], StringComparison.Ordinal);
    }

    private static void BreakTheClock(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(new BrokenClock());
    }

    private sealed class BrokenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("the clock broke: secret detail");
    }
}
