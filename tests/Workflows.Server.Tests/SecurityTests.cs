using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Tests;

/// <summary>API keys, rate limits, CORS, body limits, and settings checked at start.</summary>
public sealed class SecurityTests : ServerTest
{
    [Fact]
    public async Task A_request_without_a_key_gets_401_saying_how_to_send_one()
    {
        HttpResponseMessage response = await Server.Client(key: null).GetAsync("/api/runs");

        await response.AssertProblemAsync(401, "unauthorized", "This endpoint needs an API key: send 'Authorization: Bearer <key>'.");
        Assert.Equal("Bearer realm=\"workflows\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Bearer not-a-key-we-know-of-at-all", "The API key is not valid.")]
    [InlineData("Basic dXNlcjpwYXNz", "The Authorization header must be 'Bearer <API key>'.")]
    public async Task A_wrong_key_or_scheme_gets_401_and_says_which(string header, string detail)
    {
        HttpClient client = Server.Client(key: null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        HttpResponseMessage response = await client.GetAsync("/api/workflows");

        await response.AssertProblemAsync(401, "unauthorized", detail);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/workflows")]
    [InlineData("/api/runs")]
    [InlineData("/api/tasks")]
    [InlineData("/api/webhooks")]
    [InlineData("/api/me")]
    [InlineData("/api/openapi/workflows.json")]
    public async Task Every_endpoint_but_health_needs_a_key(string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client(key: null).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Client().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Health_needs_no_key_and_readiness_checks_the_store()
    {
        HttpClient anonymous = Server.Client(key: null);

        HttpResponseMessage live = await anonymous.GetAsync("/health/live");
        HttpResponseMessage ready = await anonymous.GetAsync("/health/ready");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.StatusCode, await live.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_key_names_the_caller()
    {
        JsonNode me = await (await Server.Client(ServerHost.OtherKey).GetAsync("/api/me")).ReadAsync();

        Assert.Equal("other", (string?)me["name"]);
    }

    [Fact]
    public async Task Each_key_has_its_own_rate_limit_and_a_429_says_when_to_come_back()
    {
        await using var server = new ServerHost(s =>
        {
            s["Workflows:Server:RateLimit:PermitsPerSecond"] = "1";
            s["Workflows:Server:RateLimit:Burst"] = "3";
        });
        HttpClient tester = server.Client();

        HttpStatusCode[] statuses = [.. await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => (await tester.GetAsync("/api/me")).StatusCode))];
        HttpResponseMessage limited = await tester.GetAsync("/api/me");
        HttpResponseMessage other = await server.Client(ServerHost.OtherKey).GetAsync("/api/me");

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await limited.AssertProblemAsync(429, "rate_limited", "Too many requests from this caller. Try again in 1 s.");
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Guessing_keys_is_throttled_perClient_address()
    {
        await using var server = new ServerHost(s => s["Workflows:Server:RateLimit:AnonymousPermitsPerMinute"] = "3");
        HttpClient guesser = server.Client("a-guess-that-is-not-a-key");

        HttpStatusCode[] statuses = [.. await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => (await guesser.GetAsync("/api/runs")).StatusCode))];

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Order());
        Assert.Equal(HttpStatusCode.OK, (await server.Client().GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task A_browser_preflight_from_an_allowed_origin_is_answered_without_a_key()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/workflows/ReviewFlow/runs");
        preflight.Headers.Add("Origin", ServerHost.Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");

        HttpResponseMessage response = await Server.Client(key: null).SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ServerHost.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("idempotency-key", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/runs");
        preflight.Headers.Add("Origin", "https://evil.example.net");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var simple = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        simple.Headers.Add("Origin", "https://evil.example.net");

        HttpResponseMessage answered = await Server.Client(key: null).SendAsync(preflight);
        HttpResponseMessage read = await Server.Client().SendAsync(simple);

        Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        await using var server = new ServerHost(s => s["Workflows:Server:MaxRequestBodyBytes"] = "2048");
        string big = new('x', 4000);

        HttpResponseMessage response = await server.Client().PostAsJsonAsync("/api/workflows/ReviewFlow/runs", new { title = "big", text = big });

        await response.AssertProblemAsync(413, "body_too_large", "The body is larger than the 2,048 bytes this server accepts (Workflows:Server:MaxRequestBodyBytes).");
        Assert.Equal(0, (await server.Runtime.ListRunsAsync(new Durable.RunQuery())).Total);
    }

    [Fact]
    public async Task Weak_or_missing_keys_stop_the_server_from_starting_and_say_which_setting()
    {
        await using var server = new ServerHost(s =>
        {
            s["Workflows:Server:ApiKeys:0:Key"] = "short";
            s["Workflows:Server:ApiKeys:1:Name"] = "tester";
            s["Workflows:Server:Cors:Origins:0"] = "https://ops.example.com/path";
            s["Workflows:Server:Webhooks:AllowedNetworks:0"] = "10.0.0.0/99";
        });

        var error = Assert.Throws<OptionsValidationException>(() => server.Services.GetRequiredService<IOptions<WorkflowServerOptions>>().Value);

        Assert.Contains("Workflows:Server:ApiKeys:0:Key ('tester') is 5 characters; use at least 16 random ones (openssl rand -base64 32).", error.Failures);
        Assert.Contains("Workflows:Server:ApiKeys has 2 keys named 'tester'; names must be unique.", error.Failures);
        Assert.Contains("Workflows:Server:Cors:Origins has 'https://ops.example.com/path'; an origin is scheme, host and port only, like https://ops.example.com.", error.Failures);
        Assert.Contains("Workflows:Server:Webhooks:AllowedNetworks has '10.0.0.0/99', which is not a network in CIDR notation (10.0.0.0/8, 127.0.0.1/32).", error.Failures);
    }
}
