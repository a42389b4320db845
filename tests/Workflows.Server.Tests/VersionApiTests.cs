using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Hosting;

namespace Workflows.Server.Tests;

public sealed record Deploy(string Service) : StartEvent;
public sealed record DeployReview(string Service) : InputRequiredEvent;
public sealed record DeployVerdict(bool Go) : HumanResponseEvent;
public sealed record DeployChecked(bool Go) : Event;
public sealed record Deployed(bool Go, string By) : StopEvent;

/// <summary>Version 1 of "Deploy", kept to finish its runs.</summary>
[Workflow(Name = "Deploy")]
public partial class DeployFlowV1
{
    [Step]
    public static DeployReview Ask(Deploy deploy) => new(deploy.Service);

    [Step]
    public static Deployed Decide(DeployVerdict verdict) => new(verdict.Go, "v1");
}

/// <summary>Version 2: a check between the answer and the end.</summary>
[Workflow(Name = "Deploy", Version = 2)]
public partial class DeployFlow
{
    [Step]
    public static DeployReview Ask(Deploy deploy) => new(deploy.Service);

    [Step]
    public static DeployChecked Check(DeployVerdict verdict) => new(verdict.Go);

    [Step]
    public static Deployed Finish(DeployChecked check) => new(check.Go, "v2");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Deploy))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DeployReview))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DeployVerdict))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DeployChecked))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Deployed))]
public sealed partial class DeployJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>Two versions of one workflow behind the API: each run is shown, drawn and answered under its own version.</summary>
public sealed class VersionApiTests
{
    [Fact]
    public async Task A_run_started_under_v1_is_shown_drawn_and_answered_under_v1_beside_v2()
    {
        string directory;
        string before;
        await using (var v1 = new ServerHost(services: s => s.AddWorkflows().AddDurableWorkflow<DeployFlowV1>(DeployJson.Default)))
        {
            directory = v1.Directory;
            before = (await v1.Runtime.StartRunAsync<DeployFlowV1>(new Deploy("api"))).RunId;
            await v1.Client().WaitForAsync(before, "waitingForInput");
            await v1.DisposeWithoutDeletingAsync();
        }

        await using var both = new ServerHost(
            directory: directory,
            services: s => s.AddWorkflows().AddDurableWorkflow<DeployFlow>(DeployJson.Default).AddDurableWorkflow<DeployFlowV1>(DeployJson.Default));
        HttpClient api = both.Client();
        HttpResponseMessage started = await api.PostAsync("/api/workflows/Deploy/runs", Api.Json("""{"service":"web"}"""));
        string after = (string)(await started.ReadAsync())["runId"]!;
        JsonNode old = await api.WaitForAsync(before, "waitingForInput");
        JsonNode current = await api.WaitForAsync(after, "waitingForInput");
        JsonNode workflows = await (await api.GetAsync("/api/workflows")).ReadAsync();
        JsonNode first = await (await api.GetAsync("/api/workflows/Deploy?version=1")).ReadAsync();
        HttpResponseMessage missing = await api.GetAsync("/api/workflows/Deploy?version=3");
        HttpResponseMessage answered = await api.PostAsync($"/api/runs/{before}/events", Api.Json("""{"type":"DeployVerdict","data":{"go":true}}"""));
        JsonNode done = await api.WaitForAsync(before, "completed");
        JsonNode list = await (await api.GetAsync("/api/runs?workflow=Deploy")).ReadAsync();

        Assert.Equal((1, 2), ((int)old["version"]!, (int)current["version"]!));
        Assert.Equal(["Ask", "Decide"], old["steps"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal(["Ask", "Check", "Finish"], current["steps"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal([2], workflows.AsArray().Where(w => (string)w!["name"]! == "Deploy").Select(w => (int)w!["version"]!));
        Assert.Equal((1, 2), ((int)first["version"]!, first["steps"]!.AsArray().Count));
        await missing.AssertProblemAsync(404, "unknown_version", "Workflow 'Deploy' has no registered version 3. Registered versions: 2, 1.");
        Assert.Equal(202, (int)answered.StatusCode);
        Assert.Equal("v1", (string)done["result"]!["By"]!);
        Assert.Equal([2, 1], list["runs"]!.AsArray().Select(r => (int)r!["version"]!));
    }
}
