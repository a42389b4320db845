using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests;

/// <summary><c>/api/runs</c> and <c>/api/tasks</c>: reading runs, answering them, cancelling them, and every error on the way.</summary>
public sealed class RunApiTests : ServerTest
{
    [Fact]
    public async Task A_waiting_run_shows_its_steps_and_what_it_asks_and_an_answer_completes_it()
    {
        string runId = await Client.StartAsync();
        JsonNode waiting = await Client.WaitForAsync(runId, "waitingForInput");

        Assert.Equal(
            ["Split:done", "Review:done", "Gather:done", "Triage:done", "Decide:idle", "Publish:idle"],
            waiting["steps"]!.AsArray().Select(s => $"{s!["name"]}:{s["state"]}"));
        JsonNode task = waiting["task"]!;
        Assert.Equal(("ApprovalRequested", "Triage"), ((string?)task["prompt"]!["name"], (string?)task["prompt"]!["producer"]));
        Assert.Equal("""{"title":"Q3 report","findings":["Results: still says TODO"]}""", task["prompt"]!["payload"]!.ToJsonString());
        Assert.Equal("ReviewerDecision", (string?)task["responses"]![0]!["name"]);

        HttpResponseMessage sent = await Client.DecideAsync(runId, approve: true);

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal("ReviewerDecision", (string?)(await sent.ReadAsync())["type"]);
        JsonNode done = await Client.WaitForAsync(runId, "completed");
        Assert.Equal("""{"title":"Q3 report","published":true,"outcome":"published, approved by tester"}""", done["result"]!.ToJsonString());
        Assert.Equal("DocumentReview.ReviewCompleted", (string?)done["resultType"]);
        Assert.Null(done["task"]);
        Assert.Equal("done", (string?)done["steps"]![5]!["state"]);
    }

    [Fact]
    public async Task The_type_may_be_left_out_when_the_workflow_takes_one_kind_of_answer()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");

        HttpResponseMessage sent = await Client.PostAsync($"/api/runs/{runId}/events", Api.Json("""{"data": {"approve": false, "comment": "needs a rewrite"}}"""));

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        JsonNode done = await Client.WaitForAsync(runId, "completed");
        Assert.Equal("rejected by tester: needs a rewrite", (string?)done["result"]!["outcome"]);
    }

    [Fact]
    public async Task An_event_the_workflow_does_not_take_is_422_naming_what_it_takes()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");

        HttpResponseMessage foreign = await Client.PostAsync($"/api/runs/{runId}/events", Api.Json("""{"type": "Refund", "data": {}}"""));
        HttpResponseMessage inner = await Client.PostAsync($"/api/runs/{runId}/events", Api.Json("""{"type": "SectionReviewed", "data": {}}"""));

        JsonNode problem = await foreign.AssertProblemAsync(422, "event_not_accepted", "Workflow 'ReviewFlow' does not take 'Refund' from outside; it takes ReviewerDecision.");
        Assert.Equal(["ReviewerDecision"], problem["accepted"]!.AsArray().Select(a => (string?)a));
        await inner.AssertProblemAsync(422, "event_not_accepted", "Workflow 'ReviewFlow' does not take 'SectionReviewed' from outside");
        Assert.Equal("waitingForInput", (string?)(await (await Client.GetAsync($"/api/runs/{runId}")).ReadAsync())["status"]);
    }

    [Theory]
    [InlineData("""{"type": "ReviewerDecision", "data": {"approve": "yes", "comment": "ok"}}""", "'data' is not a valid 'ReviewerDecision' at $.approve")]
    [InlineData("""{"type": "ReviewerDecision", "data": {"approve": "yes", "comment": "ok"}}""", "the value is not true or false.")]
    [InlineData("""{"type": "ReviewerDecision", "data": {"approve": true, "comment": 7}}""", "the value is not a string.")]
    [InlineData("""{"type": "ReviewerDecision", "data": {"comment": "ok"}}""", "it is missing required properties: 'approve'.")]
    [InlineData("""{"type": "ReviewerDecision"}""", "The body has no 'data': send the 'ReviewerDecision' as {\"type\": \"ReviewerDecision\", \"data\": { ... }}.")]
    [InlineData("""{"type": 7, "data": {}}""", "'type' must be a string: the event type's name.")]
    [InlineData("""{"kind": "ReviewerDecision", "data": {}}""", "Unexpected property 'kind'")]
    [InlineData("""[1, 2]""", "The body must be a JSON object: {\"type\": \"<event type>\", \"data\": { ... }}.")]
    [InlineData("""{"type": "ReviewerDecision", "data": {"approve": true, "comment": "ok"}} trailing""", "The body is not a valid event envelope")]
    public async Task A_malformed_event_is_400_saying_what_is_wrong_and_records_nothing(string body, string detail)
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");
        int before = (await Server.Runtime.ReadEventsAsync(runId)).Count;

        HttpResponseMessage response = await Client.PostAsync($"/api/runs/{runId}/events", Api.Json(body));

        JsonNode problem = await response.AssertProblemAsync(400, ((string?)(await response.Content.ReadFromJsonAsync<JsonNode>())?["code"])!, detail);
        Assert.Contains((string?)problem["code"], new[] { "malformed_json", "missing_data" });
        Assert.Equal(before, (await Server.Runtime.ReadEventsAsync(runId)).Count);
    }

    [Fact]
    public async Task A_finished_run_takes_no_event_and_cannot_be_cancelled_409()
    {
        string runId = await Client.StartAsync(Api.CleanReport);
        await Client.WaitForAsync(runId, "completed");

        HttpResponseMessage send = await Client.DecideAsync(runId, approve: true);
        HttpResponseMessage cancel = await Client.PostAsync($"/api/runs/{runId}/cancel", null);

        JsonNode problem = await send.AssertProblemAsync(409, "run_finished", $"Run '{runId}' has already ended (completed); it takes no more events and cannot be cancelled.");
        Assert.Equal("completed", (string?)problem["runStatus"]);
        await cancel.AssertProblemAsync(409, "run_finished", "has already ended (completed)");
    }

    [Fact]
    public async Task An_unknown_run_is_404_everywhere()
    {
        const string Detail = "No run has the id 'missing'.";
        await (await Client.GetAsync("/api/runs/missing")).AssertProblemAsync(404, "run_not_found", Detail);
        await (await Client.GetAsync("/api/runs/missing/events")).AssertProblemAsync(404, "run_not_found", Detail);
        await (await Client.GetAsync("/api/runs/missing/events/stream")).AssertProblemAsync(404, "run_not_found", Detail);
        await (await Client.DecideAsync("missing", approve: true)).AssertProblemAsync(404, "run_not_found", Detail);
        await (await Client.PostAsync("/api/runs/missing/cancel", null)).AssertProblemAsync(404, "run_not_found", Detail);
    }

    [Fact]
    public async Task Cancelling_a_run_ends_it_and_says_so()
    {
        string runId = await Client.StartAsync();
        await Client.WaitForAsync(runId, "waitingForInput");

        HttpResponseMessage response = await Client.PostAsync($"/api/runs/{runId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonNode run = await response.ReadAsync();
        Assert.Equal(("cancelled", $"Run '{runId}' of workflow 'ReviewFlow' was cancelled."), ((string?)run["status"], (string?)run["error"]));
        await (await Client.PostAsync($"/api/runs/{runId}/cancel", null)).AssertProblemAsync(409, "run_finished", "(cancelled)");
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_filtered_and_paged()
    {
        string first = await Client.StartAsync(Api.CleanReport, "one");
        string second = await Client.StartAsync(Api.Report, "two");
        string third = await Client.StartAsync(Api.CleanReport, "three");
        await Client.WaitForAsync(first, "completed");
        await Client.WaitForAsync(second, "waitingForInput");
        await Client.WaitForAsync(third, "completed");

        JsonNode all = await (await Client.GetAsync("/api/runs")).ReadAsync();
        JsonNode page = await (await Client.GetAsync("/api/runs?limit=2&offset=1")).ReadAsync();
        JsonNode completed = await (await Client.GetAsync("/api/runs?status=completed&workflow=ReviewFlow")).ReadAsync();
        JsonNode waiting = await (await Client.GetAsync("/api/runs?status=WaitingForInput")).ReadAsync();
        JsonNode other = await (await Client.GetAsync("/api/runs?workflow=Other")).ReadAsync();

        Assert.Equal([third, second, first], Ids(all));
        Assert.Equal((3, 1, 2), ((int)page["total"]!, (int)page["offset"]!, (int)page["limit"]!));
        Assert.Equal([second, first], Ids(page));
        Assert.Equal([third, first], Ids(completed));
        Assert.Equal([second], Ids(waiting));
        Assert.Equal(0, (int)other["total"]!);
    }

    [Theory]
    [InlineData("status=sleeping", "'status' must be one of running, completed, failed, cancelled, timedOut, waitingForInput, suspended, queued, not 'sleeping'.")]
    [InlineData("limit=0", "'limit' must be a whole number from 1 to 200, not '0'.")]
    [InlineData("limit=lots", "'limit' must be a whole number from 1 to 200, not 'lots'.")]
    [InlineData("offset=-1", "'offset' must be a whole number from 0 to 2147483647, not '-1'.")]
    public async Task A_bad_query_is_400_naming_the_parameter(string query, string detail)
    {
        await (await Client.GetAsync("/api/runs?" + query)).AssertProblemAsync(400, "bad_query", detail);
    }

    [Fact]
    public async Task The_journal_is_read_in_pages_without_gaps()
    {
        string runId = await Client.StartAsync(Api.CleanReport);
        await Client.WaitForAsync(runId, "completed");

        var sequences = new List<long>();
        string? after = "0";
        while (after is not null)
        {
            JsonNode page = await (await Client.GetAsync($"/api/runs/{runId}/events?after={after}&limit=4")).ReadAsync();
            sequences.AddRange(page["events"]!.AsArray().Select(e => (long)e!["sequence"]!));
            after = page["next"]?.ToString();
        }

        JsonNode first = (await (await Client.GetAsync($"/api/runs/{runId}/events?limit=1")).ReadAsync())["events"]![0]!;
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.Equal(("start", "DocumentSubmitted", "Q3 report"), ((string?)first["kind"], (string?)first["name"], (string?)first["payload"]!["title"]));
        await (await Client.GetAsync($"/api/runs/{runId}/events?after=x")).AssertProblemAsync(400, "bad_query", "'after' must be a journal position");
    }

    [Fact]
    public async Task The_journal_says_which_item_of_which_fan_out_each_event_is()
    {
        string runId = await Client.StartAsync(Api.CleanReport);
        await Client.WaitForAsync(runId, "completed");

        JsonArray events = (await (await Client.GetAsync($"/api/runs/{runId}/events?limit=200")).ReadAsync())["events"]!.AsArray();
        string FanOut(JsonNode entry) => entry["fanOut"] is JsonArray frames
            ? string.Join("/", frames.Select(f => $"{(string?)f!["step"]} {(int)f["index"]!} of {(int)f["size"]!}"))
            : "-";
        var byName = events.Where(e => (string?)e!["kind"] is "start" or "routed")
            .Select(e => ((string)e!["name"]!, (long?)e["payload"]!["index"], FanOut(e)))
            .ToList();

        // Both sections' branches, from the split through their reviews, stand in one fan-out of Split; the rest stands outside it.
        Assert.Equal(
            [
                ("DocumentSubmitted", null, "-"),
                ("SectionToReview", 0L, "Split 0 of 2"), ("SectionToReview", 1L, "Split 1 of 2"),
                ("SectionReviewed", 0L, "Split 0 of 2"), ("SectionReviewed", 1L, "Split 1 of 2"),
                ("ReviewsGathered", null, "-"), ("ReadyToPublish", null, "-"),
            ],
            byName.OrderBy(e => e.Item1 switch { "DocumentSubmitted" => 0, "SectionToReview" => 1, "SectionReviewed" => 2, "ReviewsGathered" => 3, _ => 4 }).ThenBy(e => e.Item2));
        long[] batches = [.. events.Where(e => e!["fanOut"] is not null).Select(e => (long)e!["fanOut"]![0]!["batch"]!).Distinct()];
        Assert.Single(batches);
    }

    [Fact]
    public async Task The_inbox_lists_waiting_runs_with_their_question_and_answer_schema()
    {
        string waitingRun = await Client.StartAsync(Api.Report, "needs a person");
        string doneRun = await Client.StartAsync(Api.CleanReport, "clean");
        await Client.WaitForAsync(waitingRun, "waitingForInput");
        await Client.WaitForAsync(doneRun, "completed");

        JsonNode inbox = await (await Client.GetAsync("/api/tasks")).ReadAsync();

        JsonNode task = Assert.Single(inbox["tasks"]!.AsArray())!;
        Assert.Equal(1, (int)inbox["total"]!);
        Assert.Equal((waitingRun, "ReviewFlow"), ((string?)task["runId"], (string?)task["workflow"]));
        Assert.Equal("needs a person", (string?)task["prompt"]!["payload"]!["title"]);
        Assert.Equal(["approve"], task["responses"]![0]!["schema"]!["required"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(0, (int)(await (await Client.GetAsync("/api/tasks?workflow=Other")).ReadAsync())["total"]!);
    }

    private static string[] Ids(JsonNode list) => [.. list["runs"]!.AsArray().Select(r => (string)r!["runId"]!)];
}
