using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests;

/// <summary>A title given at start, shown on every view of the run, and the runs list searched by it.</summary>
public sealed class RunTitleApiTests : IAsyncLifetime
{
    private readonly ServerHost _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_run_started_with_a_title_shows_it_and_the_list_finds_it_by_any_part_in_any_case()
    {
        HttpClient api = _server.Client();
        HttpResponseMessage started = await api.PostAsJsonAsync("/api/workflows/ReviewFlow/runs?title=" + Uri.EscapeDataString("Q3 report for ACME"), new { title = "Q3", text = Api.CleanReport });
        string titled = (string)(await started.ReadAsync())["runId"]!;
        string other = await api.StartAsync();

        JsonNode run = await api.WaitForAsync(titled, "completed");
        JsonNode found = await (await api.GetAsync("/api/runs?search=acme")).ReadAsync();
        JsonNode byId = await (await api.GetAsync("/api/runs?search=" + other[..18])).ReadAsync();
        HttpResponseMessage broken = await api.PostAsJsonAsync("/api/workflows/ReviewFlow/runs?title=" + Uri.EscapeDataString("two\nlines"), new { title = "Q3", text = Api.CleanReport });
        HttpResponseMessage tooLong = await api.GetAsync("/api/runs?search=" + new string('x', 201));

        Assert.Equal("Q3 report for ACME", (string)(await started.Content.ReadFromJsonAsync<JsonNode>())!["title"]!);
        Assert.Equal("Q3 report for ACME", (string)run["title"]!);
        Assert.Equal([titled], found["runs"]!.AsArray().Select(r => (string)r!["runId"]!));
        Assert.Equal("Q3 report for ACME", (string)found["runs"]![0]!["title"]!);
        Assert.Contains(other, byId["runs"]!.AsArray().Select(r => (string)r!["runId"]!));
        await broken.AssertProblemAsync(400, "bad_title", "A run's title must not hold control characters (line breaks, tabs); 'two\nlines' does.");
        await tooLong.AssertProblemAsync(400, "bad_query", "'search' must be at most 200 characters; it has 201.");
        Assert.Equal(2, (int)(await (await api.GetAsync("/api/runs")).ReadAsync())["total"]!);
    }
}
