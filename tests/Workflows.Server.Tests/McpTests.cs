using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Workflows.Server.Tests;

/// <summary>The server's workflows as MCP tools, called with the MCP SDK's own client over HTTP: a run that waits for a person answers with its id and question.</summary>
public sealed class McpTests : IAsyncLifetime
{
    private const string StartlessKey = "startless-key-0123456789abcdef";

    private readonly ServerHost _server = new(settings =>
    {
        settings["Workflows:Server:ApiKeys:3:Name"] = "watcher";
        settings["Workflows:Server:ApiKeys:3:Key"] = StartlessKey;
        settings["Workflows:Server:ApiKeys:3:Permissions:0"] = "Read";
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_workflow_is_a_tool_whose_call_answers_with_the_question_its_run_waits_on_and_the_run_goes_on_when_answered()
    {
        await using McpClient mcp = await ConnectAsync(ServerHost.Key);

        IList<McpClientTool> tools = await mcp.ListToolsAsync();
        McpClientTool review = Assert.Single(tools, t => t.Name == "ReviewFlow");
        Assert.Contains("DocumentSubmitted", review.Description, StringComparison.Ordinal);
        Assert.Equal(["text", "title"], review.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        CallToolResult waiting = await mcp.CallToolAsync("ReviewFlow", new Dictionary<string, object?> { ["title"] = "Q3 report", ["text"] = Api.Report });
        Assert.NotEqual(true, waiting.IsError);
        JsonElement answer = JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(waiting.Content)).Text).RootElement;
        Assert.Equal("waitingForInput", answer.GetProperty("status").GetString());
        Assert.Equal("ApprovalRequested", answer.GetProperty("question").GetProperty("type").GetString());
        string runId = answer.GetProperty("runId").GetString()!;

        HttpClient api = _server.Client();
        await api.DecideAsync(runId, approve: true);
        Assert.Equal("completed", (string?)(await api.WaitForAsync(runId, "completed"))["status"]);

        CallToolResult clean = await mcp.CallToolAsync("ReviewFlow", new Dictionary<string, object?> { ["title"] = "Clean", ["text"] = Api.CleanReport });
        JsonElement completed = JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(clean.Content)).Text).RootElement;
        Assert.True(completed.GetProperty("published").GetBoolean());
    }

    [Fact]
    public async Task A_caller_without_the_start_permission_gets_a_403_problem_and_none_without_a_key_401()
    {
        using HttpClient watcher = _server.Client(StartlessKey);
        using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/mcp") { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using HttpResponseMessage refused = await watcher.SendAsync(request);
        await refused.AssertProblemAsync(403, "forbidden", "API key 'watcher' may not start runs through MCP tools: that takes the 'start' permission.");

        using HttpClient anonymous = _server.Client(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/mcp", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    private async Task<McpClient> ConnectAsync(string key)
    {
        HttpClient http = _server.Client(key);
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(http.BaseAddress!, "/api/mcp"), TransportMode = HttpTransportMode.StreamableHttp }, http, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }
}
