using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting;

namespace Workflows.Server.Tests;

/// <summary>
/// Tasks over HTTP, for people signed in with JWT bearer tokens: the inbox's filters, claims,
/// delegation and reassignment by those allowed to, a 403 saying why (and nothing changed) for
/// everyone else, the answer recorded under the authenticated person, the history, and a due time
/// that sends the workflow's overdue event.
/// </summary>
public sealed class TaskApiTests : IAsyncLifetime
{
    private readonly TokenIssuer _tokens = new();
    private readonly ServerHost _server;

    public TaskApiTests()
    {
        _server = new ServerHost(
            settings =>
            {
                TokenIssuer.Name(settings);
                settings["Workflows:Server:Roles:approvers:0"] = "Read";
                settings["Workflows:Server:Roles:approvers:1"] = "Answer";
                settings["Workflows:Server:Roles:legal:0"] = "Read";
                settings["Workflows:Server:Roles:legal:1"] = "Answer";
                settings["Workflows:Server:Roles:ops:0"] = "Read";
                settings["Workflows:Server:Roles:ops:1"] = "Answer";
                settings["Workflows:Server:Roles:ops:2"] = "Operate";
            },
            services =>
            {
                _tokens.Accept(services);
                services.AddWorkflows().AddDurableWorkflow<ContractReviewFlow>(ContractReviewJson.Default);
            });
    }

    private HttpClient Person(string id, params string[] roles) => _server.Client(_tokens.Token(id, id.Replace("u-", string.Empty, StringComparison.Ordinal), roles));

    [Fact]
    public async Task Only_those_a_task_names_may_answer_and_claims_delegation_and_reassignment_change_that()
    {
        HttpClient ana = Person("u-ana", "approvers");
        HttpClient bo = Person("u-bo", "legal");
        HttpClient cy = Person("u-cy", "approvers");
        HttpClient ops = Person("u-ops", "ops");
        (string runId, long taskId) = await StartAsync("NDA", dueMilliseconds: 3_600_000);

        JsonNode task = await (await ana.GetAsync($"/api/tasks/{taskId}")).ReadAsync();
        Assert.Equal(("Review NDA", "open", "Ask", 1, false), ((string?)task["title"], (string?)task["status"], (string?)task["step"], (int)task["priority"]!, (bool)task["overdue"]!));
        Assert.Equal(["u-ana"], Strings(task["users"]));
        Assert.Equal(["legal"], Strings(task["roles"]));
        Assert.Equal(["answer", "claim", "delegate"], Strings(task["allowed"]));
        Assert.Equal("ContractReviewAsked", (string?)task["prompt"]!["name"]);
        Assert.Equal(["ContractDecision"], task["responses"]!.AsArray().Select(r => (string?)r!["name"]));

        Assert.Equal([taskId], await IdsAsync(ana, "show=mine"));
        Assert.Empty(await IdsAsync(cy, "show=mine"));
        Assert.Equal([taskId], await IdsAsync(bo, "show=roles"));
        Assert.Empty(await IdsAsync(cy, "show=roles"));
        Assert.Empty(await IdsAsync(ana, "show=unassigned"));
        Assert.Empty(Strings((await (await cy.GetAsync($"/api/tasks/{taskId}")).ReadAsync())["allowed"]));

        // Someone the task does not name: refused, saying why, and nothing is recorded.
        await (await cy.PostAsJsonAsync($"/api/tasks/{taskId}/answer", new { type = "ContractDecision", data = new { approve = true } }))
            .AssertProblemAsync(403, "task_refused", $"Task {taskId} is assigned to user u-ana, role legal; u-cy is not one of them (roles: approvers).");
        await (await cy.PostAsJsonAsync($"/api/runs/{runId}/events", new { type = "ContractDecision", data = new { approve = true } }))
            .AssertProblemAsync(403, "task_refused", "u-cy is not one of them");
        await (await cy.PostAsync($"/api/tasks/{taskId}/claim", null)).AssertProblemAsync(403, "task_refused", "u-cy is not one of them");
        Assert.DoesNotContain(await _server.Runtime.ReadEventsAsync(runId), e => e.Kind == Durable.EventRecordKind.External);

        JsonNode claimed = await (await bo.PostAsync($"/api/tasks/{taskId}/claim", null)).ReadAsync();
        Assert.Equal("u-bo", (string?)claimed["claimedBy"]);
        Assert.Equal(["answer", "claim", "release", "delegate"], Strings(claimed["allowed"]));
        await (await ana.PostAsJsonAsync($"/api/tasks/{taskId}/answer", new { type = "ContractDecision", data = new { approve = true } }))
            .AssertProblemAsync(403, "task_refused", $"Task {taskId} is claimed by u-bo; only they may answer it until they release it.");
        await (await ana.PostAsync($"/api/tasks/{taskId}/release", null)).AssertProblemAsync(403, "task_refused", "is claimed by u-bo");

        await (await bo.PostAsJsonAsync($"/api/tasks/{taskId}/delegate", new { reason = "no one" })).AssertProblemAsync(400, "missing_to", "Say who the task goes to");
        JsonNode delegated = await (await bo.PostAsJsonAsync($"/api/tasks/{taskId}/delegate", new { to = "u-ana", reason = "ana wrote it" })).ReadAsync();
        Assert.Equal(["u-ana"], Strings(delegated["users"]));
        Assert.Null(delegated["claimedBy"]);

        await (await cy.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { roles = new[] { "approvers" } }))
            .AssertProblemAsync(403, "forbidden", "may not reassign tasks: that takes the 'operate' permission");
        await (await ops.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { roles = new[] { " " } })).AssertProblemAsync(400, "blank_assignee", "needs a name");
        JsonNode reassigned = await (await ops.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { roles = new[] { "approvers" }, reason = "the approvers take NDAs" })).ReadAsync();
        Assert.Equal(["approvers"], Strings(reassigned["roles"]));
        Assert.Empty(Strings(reassigned["users"]));

        HttpResponseMessage answered = await cy.PostAsJsonAsync($"/api/tasks/{taskId}/answer", new { type = "ContractDecision", data = new { approve = true } });
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        JsonNode done = await answered.ReadAsync();
        Assert.Equal(("completed", "u-cy"), ((string?)done["status"], (string?)done["completedBy"]));
        await _server.Client().WaitForAsync(runId, "completed");

        JsonNode history = await (await ana.GetAsync($"/api/tasks/{taskId}")).ReadAsync();
        Assert.Equal(
            ["$task-created", "$task-claimed", "$task-delegated", "$task-reassigned", "$task-completed"],
            history["history"]!.AsArray().Select(e => (string?)e!["type"]));
        Assert.All(history["history"]!.AsArray(), e => Assert.Equal("task", (string?)e!["kind"]));
        Assert.Equal(["u-bo", "u-bo", "u-ops", "u-cy"], history["history"]!.AsArray().Skip(1).Select(e => (string?)e!["producer"]));
        Assert.Equal("u-cy", Assert.Single(await _server.Runtime.ReadEventsAsync(runId), e => e.Kind == Durable.EventRecordKind.External).Producer);
        await (await bo.PostAsync($"/api/tasks/{taskId}/claim", null)).AssertProblemAsync(403, "task_refused", $"Task {taskId} is answered; nothing can change it.");
    }

    [Fact]
    public async Task A_task_past_due_is_overdue_in_the_inbox_and_its_overdue_event_decides_by_default()
    {
        HttpClient ana = Person("u-ana", "approvers");
        (string runId, long taskId) = await StartAsync("lease", dueMilliseconds: 400);

        JsonNode run = await _server.Client().WaitForAsync(runId, "completed");
        Assert.Equal(true, (bool?)run["result"]!["ByDefault"]);
        JsonNode task = await (await ana.GetAsync($"/api/tasks/{taskId}")).ReadAsync();
        Assert.Equal("cancelled", (string?)task["status"]);
        Assert.Equal(["$task-created", "$task-overdue"], task["history"]!.AsArray().Select(e => (string?)e!["type"]));
        Assert.Equal([taskId], await IdsAsync(ana, "status=cancelled"));
        await (await ana.PostAsJsonAsync($"/api/tasks/{taskId}/answer", new { type = "ContractDecision", data = new { approve = true } }))
            .AssertProblemAsync(409, "run_finished", "has already ended (completed)");
    }

    [Fact]
    public async Task An_overdue_task_is_listed_as_overdue_until_it_is_answered()
    {
        HttpClient ana = Person("u-ana", "approvers");
        (string runId, long late) = await StartAsync("late", dueMilliseconds: 1, escalate: false);
        (_, long onTime) = await StartAsync("on time", dueMilliseconds: 3_600_000);

        Assert.Equal([late], await IdsAsync(ana, "show=overdue"));
        Assert.Equal([late, onTime], await IdsAsync(ana, "sort=due"));
        Assert.True((bool)(await (await ana.GetAsync($"/api/tasks/{late}")).ReadAsync())["overdue"]!);
        await (await ana.GetAsync("/api/tasks?show=everything")).AssertProblemAsync(400, "bad_query", "'show' must be all, mine, roles, unassigned or overdue, not 'everything'.");
        await (await ana.GetAsync("/api/tasks?sort=loudest")).AssertProblemAsync(400, "bad_query", "'sort' must be newest, oldest, due or priority");
        await (await ana.GetAsync("/api/tasks/987654")).AssertProblemAsync(404, "task_not_found", "There is no task 987654.");
        await (await ana.GetAsync("/api/tasks/nope")).AssertProblemAsync(404, "task_not_found", "task ids are whole numbers from 1");
        HttpResponseMessage answered = await ana.PostAsJsonAsync($"/api/tasks/{late}/answer", new { type = "ContractDecision", data = new { approve = true } });
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Empty(await IdsAsync(ana, "show=overdue"));
        await _server.Client().WaitForAsync(runId, "completed");
    }

    [Fact]
    public async Task Task_changes_are_webhook_topics_in_the_order_they_happened()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        HttpClient ana = Person("u-ana", "approvers");
        HttpResponseMessage subscribed = await _server.Client().PostAsJsonAsync("/api/webhooks", new { url = receiver.Url.ToString(), events = new[] { "task.*" } });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);

        (string runId, long taskId) = await StartAsync("SOW", dueMilliseconds: 1_000, escalate: false);
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync($"/api/tasks/{taskId}/claim", null)).StatusCode);
        DateTime deadline = DateTime.UtcNow + Api.Limit;
        while (!(bool)(await (await ana.GetAsync("/api/tasks/" + taskId)).ReadAsync())["overdue"]! || (await _server.Runtime.ReadEventsAsync(runId)).All(e => e.Type != Durable.TaskHistoryEntry.Overdue))
        {
            Assert.True(DateTime.UtcNow < deadline, "The task never became overdue.");
            await Task.Delay(50);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await ana.PostAsJsonAsync($"/api/tasks/{taskId}/answer", new { type = "ContractDecision", data = new { approve = true } })).StatusCode);
        List<WebhookReceiver.Received> deliveries = await receiver.UntilAsync("task.completed");

        Assert.Equal(["task.created", "task.assigned", "task.overdue", "task.completed"], deliveries.Select(d => (string?)JsonNode.Parse(d.Body)!["type"]));
        Assert.All(deliveries, d => Assert.Equal(taskId, (long)JsonNode.Parse(d.Body)!["data"]!["task"]!["taskId"]!));
        JsonNode completed = JsonNode.Parse(deliveries[^1].Body)!["data"]!;
        Assert.Equal((runId, "completed", "u-ana"), ((string?)completed["runId"], (string?)completed["task"]!["status"], (string?)completed["task"]!["completedBy"]));
    }

    /// <summary>Starts a contract review and waits for its task.</summary>
    private async Task<(string RunId, long TaskId)> StartAsync(string name, int dueMilliseconds, bool escalate = true)
    {
        Durable.RunRecord run = await _server.Runtime.StartRunAsync<ContractReviewFlow>(new ContractIn(name, dueMilliseconds, escalate));
        DateTime deadline = DateTime.UtcNow + Api.Limit;
        while (true)
        {
            JsonNode list = await (await _server.Client().GetAsync($"/api/tasks?run={run.RunId}&status=any")).ReadAsync();
            if (list["tasks"]!.AsArray().FirstOrDefault() is { } task)
            {
                return (run.RunId, (long)task["taskId"]!);
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {run.RunId} asked nothing.");
            await Task.Delay(20);
        }
    }

    private static async Task<List<long>> IdsAsync(HttpClient client, string query)
    {
        JsonNode list = await (await client.GetAsync("/api/tasks?" + query)).ReadAsync();
        return [.. list["tasks"]!.AsArray().Select(t => (long)t!["taskId"]!)];
    }

    private static List<string?> Strings(JsonNode? array) => array is null ? [] : [.. array.AsArray().Select(n => (string?)n)];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
