using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workflows.Server.Tests;

/// <summary>
/// Regression tests for what an adversarial pass found: bodies that are not text answered 500, errors
/// outside /api had empty bodies, the unhealthy answer told an anonymous caller the store's exception,
/// and 400 details named .NET types.
/// </summary>
public sealed class HardeningTests : IAsyncLifetime
{
    private readonly ServerHost _server = new();

    private HttpClient Client => _server.Client();

    [Theory]
    [InlineData("""{"type":"\uD800","data":{}}""", "line 1, position 9")]
    [InlineData("""{"type":"ReviewerDecision","data":{"approve":true,"comment":"a\uDFFFb"}}""", "line 1, position 61")]
    [InlineData("""{"type":"ReviewerDecision","data":{"\uD83D":true}}""", "line 1, position 36")]
    public async Task A_lone_surrogate_anywhere_in_an_answer_is_400_invalid_text_and_records_nothing(string body, string where)
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");
        long before = (await _server.Runtime.ReadEventsAsync(runId)).Count;

        HttpResponseMessage response = await Client.PostAsync($"/api/runs/{runId}/events", Api.Json(body));

        await response.AssertProblemAsync(400, "invalid_text", $"The body is not valid text at {where}: a string escapes half of a surrogate pair");
        Assert.Equal(before, (await _server.Runtime.ReadEventsAsync(runId)).Count);
        Assert.Equal("waitingForInput", (string?)(await (await Client.GetAsync($"/api/runs/{runId}")).ReadAsync())["status"]);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF_8_are_400_invalid_text_naming_the_byte()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"title": "Q"""), 0xFF, .. Encoding.UTF8.GetBytes("""3", "text": "x"}""")];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        HttpResponseMessage response = await Client.PostAsync("/api/workflows/ReviewFlow/runs", content);

        await response.AssertProblemAsync(400, "invalid_text", "The body is not valid text at line 1, position 13: byte 0xFF is not valid UTF-8.");
        Assert.Equal(0, (await _server.Runtime.ListRunsAsync(new Durable.RunQuery())).Total);
    }

    [Theory]
    [InlineData("/dashboard/no-such-file.js")]
    [InlineData("/health/nothing")]
    [InlineData("/health")]
    public async Task An_unknown_path_under_the_dashboard_or_health_is_a_404_problem(string path)
    {
        HttpResponseMessage response = await Client.GetAsync(path);

        await response.AssertProblemAsync(404, "no_such_endpoint", $"There is no endpoint at {path}; the server answers at /api, /dashboard/, /health/live and /health/ready.");
    }

    [Fact]
    public async Task An_unknown_OpenAPI_document_is_a_404_problem()
    {
        HttpResponseMessage response = await Client.GetAsync("/api/openapi/v1.json");

        await response.AssertProblemAsync(404, "no_such_endpoint", "the API is described at /api/openapi/workflows.json");
    }

    [Fact]
    public async Task A_webhook_with_a_wrong_type_is_told_so_in_JSON_terms()
    {
        HttpResponseMessage response = await Client.PostAsync("/api/webhooks", Api.Json("""{"url": 5}"""));

        JsonNode problem = await response.AssertProblemAsync(400, "malformed_json", "The body is not a valid webhook subscription at $.url");
        Assert.EndsWith(": the value is not a string.", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("Workflows.", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_ready_is_a_503_problem_naming_the_check_and_never_its_exception()
    {
        await using var server = new ServerHost(services: services => services.AddHealthChecks().AddCheck(
            "broken",
            () => HealthCheckResult.Unhealthy("The broken check fails.", new InvalidOperationException("password=hunter2 at db.internal:5432")),
            [WorkflowServer.ReadyTag]));

        HttpResponseMessage ready = await server.Client(key: null).GetAsync("/health/ready");

        JsonNode problem = await ready.AssertProblemAsync(503, "not_ready", "The server is not ready. The broken check fails.");
        Assert.DoesNotContain("hunter2", problem.ToJsonString(), StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
