using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests;

/// <summary>Suspend, resume, retry, cancel and purge over HTTP: only for keys that may operate, journaled by key name, refusals as problems.</summary>
public sealed class RunControlApiTests : ServerTest
{
    [Fact]
    public async Task An_operator_suspends_and_resumes_a_run_and_the_journal_names_the_key()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");

        JsonNode suspended = await (await Client.PostAsync($"/api/runs/{runId}/suspend", null)).ReadAsync();
        Assert.Equal("suspended", (string?)suspended["status"]);
        Assert.Equal(202, (int)(await Client.DecideAsync(runId, approve: true)).StatusCode);
        await Task.Delay(300);
        Assert.Equal("suspended", (string?)(await (await Client.GetAsync($"/api/runs/{runId}")).ReadAsync())["status"]);
        await (await Client.PostAsync($"/api/runs/{runId}/suspend", null))
            .AssertProblemAsync(409, "cannot_suspend", $"Run '{runId}' of workflow 'ReviewFlow' is suspended; only a running, waiting or queued run can be suspended.");

        Assert.Equal(200, (int)(await Client.PostAsync($"/api/runs/{runId}/resume", null)).StatusCode);
        await Client.WaitForAsync(runId, "completed");

        JsonNode journal = await (await Client.GetAsync($"/api/runs/{runId}/events")).ReadAsync();
        JsonNode[] controls = [.. journal["events"]!.AsArray().Where(e => (string?)e!["kind"] == "control").Select(e => e!)];
        Assert.Equal(["$suspended", "$resumed"], controls.Select(e => (string?)e["type"]));
        Assert.All(controls, e => Assert.Equal("tester", (string?)e["payload"]!["requestedBy"]));
        Assert.Equal(["waitingForInput", "suspended"], controls.Select(e => (string?)e["payload"]!["from"]));
    }

    [Fact]
    public async Task A_key_that_may_not_operate_is_refused_and_nothing_changes()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");
        HttpClient reader = Server.Client(ServerHost.ReaderKey);

        Assert.False((bool)(await (await reader.GetAsync("/api/me")).ReadAsync())["canOperate"]!);
        Assert.True((bool)(await (await Client.GetAsync("/api/me")).ReadAsync())["canOperate"]!);
        foreach (string verb in new[] { "suspend", "resume", "retry", "cancel" })
        {
            await (await reader.PostAsync($"/api/runs/{runId}/{verb}", null))
                .AssertProblemAsync(403, "forbidden", $"API key 'reader' may not {verb} runs: that takes the 'operate' permission; list it in the key's Permissions (Workflows:Server:ApiKeys).");
        }

        await (await reader.PostAsync("/api/runs/purge", Api.Json("{}"))).AssertProblemAsync(403, "forbidden", "may not purge runs");
        Assert.Equal("waitingForInput", (string?)(await (await reader.GetAsync($"/api/runs/{runId}")).ReadAsync())["status"]);
    }

    [Fact]
    public async Task Controls_the_run_does_not_allow_are_409_with_its_status_and_unknown_runs_404()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");

        JsonNode retry = await (await Client.PostAsync($"/api/runs/{runId}/retry", null))
            .AssertProblemAsync(409, "cannot_retry", $"Run '{runId}' of workflow 'ReviewFlow' is waiting for input; only a failed run can be retried.");
        Assert.Equal("waitingForInput", (string?)retry["runStatus"]);
        await (await Client.PostAsync($"/api/runs/{runId}/resume", null)).AssertProblemAsync(409, "cannot_resume", "only a suspended run can be resumed");
        await (await Client.PostAsync("/api/runs/no-such-run/suspend", null)).AssertProblemAsync(404, "run_not_found", "No run has the id 'no-such-run'.");
    }

    [Fact]
    public async Task Runs_are_found_by_tag_and_time_and_purged_by_status()
    {
        HttpResponseMessage started = await Client.PostAsJsonAsync("/api/workflows/ReviewFlow/runs?tag=customer:acme&tag=region:eu", new { title = "t", text = Api.Report });
        string tagged = (string)(await started.ReadAsync())["runId"]!;
        string other = await Client.StartAsync();
        await Client.WaitForAsync(tagged, "waitingForInput");
        await Client.WaitForAsync(other, "waitingForInput");

        JsonNode found = await (await Client.GetAsync("/api/runs?tag=customer:acme")).ReadAsync();
        Assert.Equal([tagged], found["runs"]!.AsArray().Select(r => (string?)r!["runId"]));
        Assert.Equal("eu", (string?)found["runs"]![0]!["tags"]!["region"]);
        Assert.Equal(0, (int)(await (await Client.GetAsync("/api/runs?tag=customer:acme&tag=region:us")).ReadAsync())["total"]!);
        Assert.Equal(2, (int)(await (await Client.GetAsync($"/api/runs?createdAfter={DateTimeOffset.UtcNow.AddMinutes(-5):o}".Replace("+", "%2B", StringComparison.Ordinal))).ReadAsync())["total"]!);
        await (await Client.GetAsync("/api/runs?tag=acme")).AssertProblemAsync(400, "bad_query", "'tag' must be key:value (tag=customer:acme), not 'acme'.");
        await (await Client.GetAsync("/api/runs?createdAfter=yesterday")).AssertProblemAsync(400, "bad_query", "'createdAfter' must be an ISO 8601 time");
        await (await Client.PostAsJsonAsync("/api/workflows/ReviewFlow/runs?tag=:x", new { title = "t", text = Api.Report })).AssertProblemAsync(400, "bad_query", "'tag' must be key:value");

        Assert.Equal(202, (int)(await Client.DecideAsync(tagged, approve: true)).StatusCode);
        await Client.WaitForAsync(tagged, "completed");
        await (await Client.PostAsync("/api/runs/purge", Api.Json("""{"status": "waitingForInput"}""")))
            .AssertProblemAsync(400, "bad_status", "'status' must be how a run ended (completed, failed, cancelled or timedOut)");

        JsonNode purged = await (await Client.PostAsync("/api/runs/purge", Api.Json("""{"status": "completed"}"""))).ReadAsync();
        Assert.Equal(1, (int)purged["deleted"]!);
        Assert.Equal(404, (int)(await Client.GetAsync($"/api/runs/{tagged}")).StatusCode);
        Assert.Equal(200, (int)(await Client.GetAsync($"/api/runs/{other}")).StatusCode);
    }
}
