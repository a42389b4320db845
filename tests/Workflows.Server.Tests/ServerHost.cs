using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable;

namespace Workflows.Server.Tests;

/// <summary>
/// The ApprovalServer sample, hosted for a test: its own SQLite file, known API keys, fast reviews,
/// webhooks allowed to loopback. Settings and services can be changed per test.
/// </summary>
internal sealed class ServerHost : WebApplicationFactory<Program>
{
    public const string Key = "tester-key-0123456789abcdef";
    public const string OtherKey = "other-key-0123456789abcdefgh";
    public const string ReaderKey = "reader-key-0123456789abcdefgh";
    public const string Origin = "https://ops.example.com";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly string _environment;
    private readonly bool _kestrel;
    private bool _keep;

    public ServerHost(
        Action<Dictionary<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null,
        string? directory = null,
        string environment = "Production",
        bool kestrel = false)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "workflows-server-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Database"] = Path.Combine(Directory, "runs.db"),
            ["Demo"] = "false",
            ["ReviewMilliseconds"] = "5",
            ["Workflows:Server:ApiKeys:0:Name"] = "tester",
            ["Workflows:Server:ApiKeys:0:Key"] = Key,
            ["Workflows:Server:ApiKeys:1:Name"] = "other",
            ["Workflows:Server:ApiKeys:1:Key"] = OtherKey,
            ["Workflows:Server:ApiKeys:2:Name"] = "reader",
            ["Workflows:Server:ApiKeys:2:Key"] = ReaderKey,
            ["Workflows:Server:ApiKeys:2:CanOperate"] = "false",
            ["Workflows:Server:Cors:Origins:0"] = Origin,
            ["Workflows:Server:Webhooks:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Workflows:Server:Webhooks:RetryBaseDelay"] = "00:00:00.200",
            ["Workflows:Server:Webhooks:PollInterval"] = "00:00:00.050",
            ["Workflows:Server:Webhooks:Timeout"] = "00:00:05",
        };
        settings?.Invoke(_settings);
        _services = services;
        _environment = environment;
        _kestrel = kestrel;
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string Directory { get; }

    public WorkflowRuntime Runtime => Services.GetRequiredService<WorkflowRuntime>();

    /// <summary>The real address, for a Kestrel-hosted server (browser and load tests).</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    /// <summary>A client sending <paramref name="key"/> as its bearer token (none when null).</summary>
    public HttpClient Client(string? key = Key)
    {
        HttpClient client = _kestrel ? new HttpClient { BaseAddress = Address } : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach ((string key, string? value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>Stops the server and keeps its files, for a second server to open (a restart).</summary>
    public async ValueTask DisposeWithoutDeletingAsync()
    {
        _keep = true;
        await DisposeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_keep)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held: the temp directory is cleaned by the OS.
        }
    }
}

/// <summary>Calls the tests make again and again.</summary>
internal static class Api
{
    public const string Report = """
        ## Summary
        Revenue grew in every region this quarter, led by renewals and two new enterprise accounts.

        ## Results
        Gross margin rose to 61 percent. TODO: add the churn numbers from finance before this goes out.
        """;

    public const string CleanReport = """
        ## Summary
        Revenue grew in every region this quarter, led by renewals and two new enterprise accounts.

        ## Results
        Gross margin rose to sixty one percent across every product line we sell today.
        """;

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The response body was empty.");

    /// <summary>Starts a review and returns its run id.</summary>
    public static async Task<string> StartAsync(this HttpClient client, string text = Report, string title = "Q3 report")
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/workflows/ReviewFlow/runs", new { title, text });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.ReadAsync())["runId"]!;
    }

    /// <summary>Polls a run until it reaches <paramref name="status"/>, and returns it.</summary>
    public static async Task<JsonNode> WaitForAsync(this HttpClient client, string runId, string status)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            JsonNode run = await (await client.GetAsync($"/api/runs/{runId}")).ReadAsync();
            if ((string?)run["status"] == status)
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} did not become {status}; it is {(string?)run["status"]}.");
            await Task.Delay(20);
        }
    }

    public static Task<HttpResponseMessage> DecideAsync(this HttpClient client, string runId, bool approve, string? comment = null) =>
        client.PostAsJsonAsync($"/api/runs/{runId}/events", new { type = "ReviewerDecision", data = new { approve, comment } });

    /// <summary>Asserts a problem response: its status, content type, machine code, and that its detail contains <paramref name="detail"/>.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, int status, string code, string detail)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonNode problem = await response.ReadAsync();
        Assert.Equal(status, (int)problem["status"]!);
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Contains(detail, (string)problem["detail"]!, StringComparison.Ordinal);
        return problem;
    }
}
