using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests;

/// <summary><c>/api/workflows</c>: the registry, and starting runs with every kind of bad body.</summary>
public sealed class WorkflowApiTests : ServerTest
{
    [Fact]
    public async Task Workflows_are_listed_with_their_graph_and_the_schemas_of_their_events()
    {
        JsonArray workflows = (await (await Client.GetAsync("/api/workflows")).ReadAsync()).AsArray();

        JsonNode review = Assert.Single(workflows)!;
        Assert.Equal("ReviewFlow", (string?)review["name"]);
        Assert.Equal("DocumentSubmitted", (string?)review["startEvent"]!["name"]);
        Assert.Equal("""{"type":"object","properties":{"title":{"type":"string"},"text":{"type":"string"}},"required":["title","text"],"additionalProperties":false}""", review["startEvent"]!["schema"]!.ToJsonString());
        Assert.Equal("ReviewCompleted", (string?)review["stopEvent"]!["name"]);
        Assert.Equal(["ReviewerDecision"], review["inputEvents"]!.AsArray().Select(e => (string?)e!["name"]));
        Assert.Equal("""{"type":"object","properties":{"approve":{"type":"boolean"},"comment":{"type":["string","null"],"default":null}},"required":["approve"],"additionalProperties":false}""", review["inputEvents"]![0]!["schema"]!.ToJsonString());
        Assert.Equal(["Split", "Review", "Gather", "Triage", "Decide", "Publish"], review["steps"]!.AsArray().Select(s => (string?)s!["name"]));
        Assert.StartsWith("flowchart TD\n", (string?)review["mermaid"], StringComparison.Ordinal);
        Assert.Equal(review.ToJsonString(), (await (await Client.GetAsync("/api/workflows/ReviewFlow")).ReadAsync()).ToJsonString());
    }

    [Fact]
    public async Task An_unknown_workflow_is_404_naming_the_registered_ones()
    {
        await (await Client.GetAsync("/api/workflows/Nope")).AssertProblemAsync(404, "unknown_workflow", "No workflow named 'Nope' is registered here. Registered: ReviewFlow.");
        await (await Client.PostAsJsonAsync("/api/workflows/Nope/runs", new { })).AssertProblemAsync(404, "unknown_workflow", "No workflow named 'Nope'");
    }

    [Fact]
    public async Task Starting_a_run_answers_201_with_where_it_lives()
    {
        HttpResponseMessage response = await Client.PostAsJsonAsync("/api/workflows/ReviewFlow/runs", new { title = "Q3", text = Api.Report });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonNode run = await response.ReadAsync();
        string runId = (string)run["runId"]!;
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.OriginalString);
        Assert.Equal("ReviewFlow", (string?)run["workflow"]);
        Assert.NotNull(await Server.Runtime.GetRunAsync(runId));
        await Client.WaitForAsync(runId, "waitingForInput");
    }

    [Fact]
    public async Task Repeating_a_start_with_its_idempotency_key_returns_the_first_run()
    {
        async Task<HttpResponseMessage> StartAsync(string title)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/ReviewFlow/runs") { Content = JsonContent.Create(new { title, text = Api.Report }) };
            request.Headers.Add("Idempotency-Key", "order-7781");
            return await Client.SendAsync(request);
        }

        HttpResponseMessage first = await StartAsync("Q3");
        HttpResponseMessage again = await StartAsync("Q3");
        HttpResponseMessage other = await StartAsync("Q4");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        string runId = (string)(await first.ReadAsync())["runId"]!;
        Assert.Equal(runId, (string?)(await again.ReadAsync())["runId"]);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        JsonNode conflict = await other.AssertProblemAsync(409, "idempotency_conflict", $"The Idempotency-Key 'order-7781' already started run '{runId}' with a different body; use a new key for a different request.");
        Assert.Equal(runId, (string?)conflict["runId"]);
        Assert.Equal(1, (await Server.Runtime.ListRunsAsync(new Durable.RunQuery())).Total);
    }

    [Theory]
    [InlineData(201, "bad_idempotency_key")]
    [InlineData(0, "bad_idempotency_key")]
    public async Task A_malformed_idempotency_key_is_400(int length, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/ReviewFlow/runs") { Content = JsonContent.Create(new { title = "Q3", text = Api.Report }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", length == 0 ? "has spaces in it" : new string('k', length));

        HttpResponseMessage response = await Client.SendAsync(request);

        await response.AssertProblemAsync(400, code, "The Idempotency-Key header must be one value of 1 to 200 visible ASCII characters");
    }

    [Fact]
    public async Task Malformed_json_is_400_saying_where()
    {
        HttpResponseMessage response = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json("{\n  \"title\": \"Q3\",\n  \"text\": oops\n}"));

        JsonNode problem = await response.AssertProblemAsync(400, "malformed_json", "The body is not a valid 'DocumentSubmitted' (the StartEvent of ReviewFlow) at $.text (line 3, position 11): 'o' is an invalid start of a value.");
        Assert.Equal(("$.text", 3, 11), ((string?)problem["path"], (int)problem["line"]!, (int)problem["position"]!));
    }

    [Fact]
    public async Task A_missing_property_is_400_naming_it()
    {
        HttpResponseMessage response = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json("""{"title": "Q3"}"""));

        await response.AssertProblemAsync(400, "malformed_json", "it is missing required properties: 'text'.");
    }

    [Fact]
    public async Task An_unknown_property_or_a_wrong_type_is_400_naming_it()
    {
        HttpResponseMessage unknown = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json("""{"title": "Q3", "text": "x", "colour": "red"}"""));
        HttpResponseMessage wrongType = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json("""{"title": 42, "text": "x"}"""));
        HttpResponseMessage nullTitle = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json("""{"title": null, "text": "x"}"""));

        JsonNode unknownProblem = await unknown.AssertProblemAsync(400, "malformed_json", "The body is not a valid 'DocumentSubmitted' (the StartEvent of ReviewFlow) at $.colour");
        Assert.EndsWith(": 'colour' is not one of its properties.", (string)unknownProblem["detail"]!, StringComparison.Ordinal);
        JsonNode wrongTypeProblem = await wrongType.AssertProblemAsync(400, "malformed_json", "at $.title");
        Assert.EndsWith(": the value is not a string.", (string)wrongTypeProblem["detail"]!, StringComparison.Ordinal);
        await nullTitle.AssertProblemAsync(400, "malformed_json", "at $.title");
        Assert.Equal(0, (await Server.Runtime.ListRunsAsync(new Durable.RunQuery())).Total);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_an_empty_one_400()
    {
        HttpResponseMessage text = await Client.PostAsync("/api/workflows/ReviewFlow/runs", new StringContent("title=Q3"));
        HttpResponseMessage empty = await Client.PostAsync("/api/workflows/ReviewFlow/runs", Api.Json(string.Empty));

        await text.AssertProblemAsync(415, "unsupported_media_type", "The body must be JSON, sent with 'Content-Type: application/json'; this request says 'text/plain; charset=utf-8'.");
        await empty.AssertProblemAsync(400, "empty_body", "The body is empty; it must be a JSON object.");
    }

    [Fact]
    public async Task Routing_errors_under_the_api_are_problems_too()
    {
        await (await Client.GetAsync("/api/nothing-here")).AssertProblemAsync(404, "no_such_endpoint", "There is no endpoint at /api/nothing-here; the API is described at /api/openapi/workflows.json.");
        await (await Client.DeleteAsync("/api/tasks")).AssertProblemAsync(405, "method_not_allowed", "DELETE is not allowed on /api/tasks;");
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_and_the_key()
    {
        JsonNode document = await (await Client.GetAsync("/api/openapi/workflows.json")).ReadAsync();

        string[] paths = [.. document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];
        string[] expected =
            [
                "/api/workflows", "/api/workflows/{name}", "/api/workflows/{name}/runs", "/api/runs", "/api/runs/{runId}", "/api/runs/{runId}/events",
                "/api/runs/{runId}/events/stream", "/api/runs/{runId}/cancel", "/api/runs/{runId}/suspend", "/api/runs/{runId}/resume", "/api/runs/{runId}/retry", "/api/runs/purge", "/api/schedules", "/api/schedules/{scheduleId}", "/api/schedules/{scheduleId}/pause", "/api/schedules/{scheduleId}/resume",
                "/api/tasks", "/api/tasks/{taskId}", "/api/tasks/{taskId}/claim", "/api/tasks/{taskId}/release", "/api/tasks/{taskId}/delegate", "/api/tasks/{taskId}/reassign", "/api/tasks/{taskId}/answer",
                "/api/webhooks", "/api/webhooks/{id}", "/api/webhooks/{id}/deliveries", "/api/me", "/api/access",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["apiKey"]!["scheme"]);
        Assert.NotNull(document["paths"]!["/api/runs/{runId}/events"]!["post"]!["responses"]!["422"]);
    }
}
