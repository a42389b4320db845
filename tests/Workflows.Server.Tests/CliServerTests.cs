using System.Text.Json.Nodes;
using DocumentReview;
using Workflows.Cli;
using Workflows.Durable;

namespace Workflows.Server.Tests;

/// <summary>The <c>workflows</c> tool against a running server (Kestrel on loopback), and the schedules API it uses.</summary>
public sealed class CliServerTests : IAsyncLifetime
{
    private readonly ServerHost _server = new(kestrel: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int Code, string Output, string Error)> RunAsync(string key, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Cli.Cli.RunAsync([.. args, "--server", _server.Address.ToString(), "--key", key], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Runs_are_listed_answered_and_operated_through_the_server()
    {
        HttpClient client = _server.Client();
        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");

        (int code, string output, string error) = await RunAsync(ServerHost.Key, "runs", "list");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"{runId}  ReviewFlow  waitingForInput", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync(ServerHost.Key, "runs", "suspend", runId, "--json");
        Assert.Equal((ExitCodes.Ok, "suspended"), (code, (string?)JsonNode.Parse(output)!["status"]));
        (code, _, error) = await RunAsync(ServerHost.Key, "runs", "retry", runId);
        Assert.Equal((ExitCodes.Refused, $"workflows: Run '{runId}' of workflow 'ReviewFlow' is suspended; only a failed run can be retried."), (code, error.Trim()));
        (code, _, error) = await RunAsync(ServerHost.ReaderKey, "runs", "resume", runId);
        Assert.Equal(ExitCodes.NotAllowed, code);
        Assert.Contains("API key 'reader' may not resume runs", error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await RunAsync(ServerHost.Key, "runs", "resume", runId)).Code);

        (code, output, _) = await RunAsync(ServerHost.Key, "runs", "send", runId, "--type", "ReviewerDecision", "--data", """{"approve": true, "comment": "cli"}""");
        Assert.Equal((ExitCodes.Ok, $"sent ReviewerDecision to {runId}"), (code, output.Trim()));
        (code, output, _) = await RunAsync(ServerHost.Key, "runs", "tail", runId);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("control   $suspended", output, StringComparison.Ordinal);
        Assert.EndsWith("run completed", output.Trim(), StringComparison.Ordinal);

        (code, _, error) = await RunAsync(ServerHost.Key, "runs", "send", runId, "--type", "ReviewerDecision", "--data", "{}");
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("has already ended", error, StringComparison.Ordinal);
        (code, _, error) = await RunAsync("wrong-key-0123456789abcdef", "runs", "list");
        Assert.Equal((ExitCodes.NotAllowed, "workflows: The API key is not valid."), (code, error.Trim()));

        (code, output, _) = await RunAsync(ServerHost.Key, "workflows", "graph", "ReviewFlow");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("flowchart", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_are_listed_paused_resumed_and_deleted_through_the_api_and_the_tool()
    {
        await _server.Runtime.ScheduleWorkflowAsync("weekly-report", "ReviewFlow", new DocumentSubmitted("Weekly", Api.CleanReport), new ScheduleSpec { Cron = "0 9 * * 1", TimeZone = "Europe/Berlin" });
        HttpClient client = _server.Client();

        JsonNode schedules = await (await client.GetAsync("/api/schedules")).ReadAsync();
        JsonNode weekly = schedules.AsArray().Single()!;
        Assert.Equal(("weekly-report", "ReviewFlow", "0 9 * * 1", "Europe/Berlin", "skip", "latest", false), ((string?)weekly["scheduleId"], (string?)weekly["workflow"], (string?)weekly["cron"], (string?)weekly["timeZone"], (string?)weekly["overlap"], (string?)weekly["catchUp"], (bool)weekly["paused"]!));

        await (await _server.Client(ServerHost.ReaderKey).PostAsync("/api/schedules/weekly-report/pause", null)).AssertProblemAsync(403, "forbidden", "API key 'reader' may not pause schedules: that takes the 'administer' permission");
        (int code, string output, _) = await RunAsync(ServerHost.Key, "schedules", "pause", "weekly-report");
        Assert.Equal((ExitCodes.Ok, "pause: schedule weekly-report"), (code, output.Trim()));
        Assert.True((bool)(await (await client.GetAsync("/api/schedules")).ReadAsync())[0]!["paused"]!);
        (code, output, _) = await RunAsync(ServerHost.Key, "schedules", "list");
        Assert.Matches(@"weekly-report\s+ReviewFlow\s+0 9 \* \* 1\s+Europe/Berlin\s+paused", output);

        Assert.Equal(200, (int)(await client.PostAsync("/api/schedules/weekly-report/resume", null)).StatusCode);
        Assert.Equal(ExitCodes.Ok, (await RunAsync(ServerHost.Key, "schedules", "delete", "weekly-report")).Code);
        (code, _, string error) = await RunAsync(ServerHost.Key, "schedules", "delete", "weekly-report");
        Assert.Equal((ExitCodes.NotFound, "workflows: No schedule has the id 'weekly-report'."), (code, error.Trim()));
        await (await client.PostAsync("/api/schedules/weekly-report/pause", null)).AssertProblemAsync(404, "schedule_not_found", "No schedule has the id 'weekly-report'.");
    }
}
