using System.Text.Json.Nodes;

namespace Workflows.Server.Tests;

/// <summary>Who answered a run, as the journal records it: the caller the server authenticated, whatever the form said.</summary>
public sealed class AnswerApiTests : IAsyncLifetime
{
    private readonly ServerHost _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_answer_sent_through_the_API_names_the_key_that_sent_it_in_the_journal()
    {
        HttpClient api = _server.Client(ServerHost.OtherKey);
        string runId = await api.StartAsync();
        await api.WaitForAsync(runId, "waitingForInput");

        // A body cannot name someone else as the answerer: the field is not part of the event, and the step is told the caller.
        HttpResponseMessage answered = await api.PostAsync($"/api/runs/{runId}/events", Api.Json("""{"type": "ReviewerDecision", "data": {"approve": true, "answeredBy": "the-ceo"}}"""));
        JsonNode done = await api.WaitForAsync(runId, "completed");
        Assert.Equal("published, approved by other", (string?)done["result"]!["outcome"]);
        JsonNode journal = await (await api.GetAsync($"/api/runs/{runId}/events")).ReadAsync();

        Assert.Equal(202, (int)answered.StatusCode);
        JsonNode answer = Assert.Single(journal["events"]!.AsArray(), e => (string)e!["kind"]! == "external")!;
        Assert.Equal("other", (string)answer["producer"]!);
        Assert.False(string.IsNullOrEmpty((string?)answer["createdAt"]));
    }
}
