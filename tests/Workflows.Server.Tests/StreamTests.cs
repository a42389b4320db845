using System.Text.Json.Nodes;
using Workflows.Durable;

namespace Workflows.Server.Tests;

/// <summary>Server-sent events: a run's events as they happen, resumed after a disconnect without a gap or a repeat.</summary>
public sealed class StreamTests() : ServerTest(s => s["Workflows:Server:StreamHeartbeat"] = "00:00:00.200")
{
    [Fact]
    public async Task The_stream_carries_the_runs_stream_in_order_and_ends_with_the_run()
    {
        string runId = await Client.StartAsync(Api.CleanReport);

        List<Message> messages = await ReadAsync($"/api/runs/{runId}/events/stream", until: int.MaxValue);

        Message end = messages[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal("completed", (string?)JsonNode.Parse(end.Data)!["status"]);
        List<Message> events = messages[..^1];
        Assert.All(events, m => Assert.Equal("streamed", m.Event));
        Assert.Equal(["Progress", "Progress", "Progress", "ReviewCompleted"], events.Select(m => (string?)JsonNode.Parse(m.Data)!["name"]));
        IReadOnlyList<StoredEvent> journal = await Server.Runtime.ReadEventsAsync(runId);
        Assert.Equal(journal.Where(e => e.Kind == EventRecordKind.Streamed).Select(e => e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(m => m.Id));
    }

    [Fact]
    public async Task AClient_that_reconnects_with_Last_Event_ID_gets_every_event_once()
    {
        string runId = await Client.StartAsync(Api.Report);

        // Read the first few events of the whole journal, then drop the connection mid-run.
        List<Message> before = await ReadAsync($"/api/runs/{runId}/events/stream?all=true", until: 5);
        await Client.WaitForAsync(runId, "waitingForInput");
        await Client.DecideAsync(runId, approve: true);
        List<Message> after = await ReadAsync($"/api/runs/{runId}/events/stream?all=true", until: int.MaxValue, lastEventId: before[^1].Id);

        string[] ids = [.. before.Concat(after).Where(m => m.Event != "end").Select(m => m.Id!)];
        IReadOnlyList<StoredEvent> journal = await Server.Runtime.ReadEventsAsync(runId);
        Assert.Equal(journal.Select(e => e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), ids);
        Assert.Equal(["external", "routed", "start", "streamed", "task"], before.Concat(after).Where(m => m.Event != "end").Select(m => m.Event).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(5, before.Count);
        Assert.Equal("end", after[^1].Event);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeats()
    {
        string runId = await Client.StartAsync(Api.Report);
        await Client.WaitForAsync(runId, "waitingForInput");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{runId}/events/stream");
        request.Headers.Add("Last-Event-ID", "999");
        using HttpResponseMessage response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("retry: 2000", await reader.ReadLineAsync().WaitAsync(Api.Limit));
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(Api.Limit));
        Assert.Equal(": keep-alive", await reader.ReadLineAsync().WaitAsync(Api.Limit));
    }

    [Fact]
    public async Task A_bad_resume_position_is_400_before_the_stream_starts()
    {
        string runId = await Client.StartAsync(Api.CleanReport);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{runId}/events/stream");
        request.Headers.Add("Last-Event-ID", "yesterday");

        await (await Client.SendAsync(request)).AssertProblemAsync(400, "bad_query", "'Last-Event-ID' must be a journal position (a whole number from 0), not 'yesterday'.");
        await (await Client.GetAsync($"/api/runs/{runId}/events/stream?all=maybe")).AssertProblemAsync(400, "bad_query", "'all' must be true or false, not 'maybe'.");
    }

    /// <summary>Reads messages until <paramref name="until"/> events (not counting the end) or the end, then disconnects.</summary>
    private async Task<List<Message>> ReadAsync(string path, int until, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using HttpResponseMessage response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var messages = new List<Message>();
        string? id = null, type = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync().WaitAsync(Api.Limit) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    messages.Add(new Message(id, type, string.Join('\n', data)));
                    if (type == "end" || messages.Count >= until)
                    {
                        break;
                    }
                }

                (id, type) = (null, null);
                data.Clear();
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line[6..]);
            }
        }

        return messages;
    }

    private sealed record Message(string? Id, string Event, string Data);
}
