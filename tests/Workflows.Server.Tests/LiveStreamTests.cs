using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable;
using Workflows.Hosting;

namespace Workflows.Server.Tests;

public sealed record Compose(string Text) : StartEvent;
public sealed record Piece(string MessageId, int Index, string Text) : Event;
public sealed record Composed(string Text) : StopEvent;

/// <summary>Writes its answer word by word as live events once the test lets it, then returns the whole.</summary>
[Workflow]
public partial class ComposeFlow
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> s_gates = new(StringComparer.Ordinal);

    /// <summary>Lets the run composing <paramref name="text"/> write.</summary>
    public static void Go(string text) => Gate(text).TrySetResult();

    private static TaskCompletionSource Gate(string text) => s_gates.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    [Step]
    public static async Task<Composed> Write(Compose compose, WorkflowContext ctx, CancellationToken ct)
    {
        await Gate(compose.Text).Task.WaitAsync(ct);
        string[] words = compose.Text.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            ctx.WriteLive(new Piece("m1", i, (i == 0 ? string.Empty : " ") + words[i]));
            await Task.Delay(10, ct);
        }

        return new Composed(compose.Text);
    }
}

[JsonSerializable(typeof(Compose))]
[JsonSerializable(typeof(Piece))]
[JsonSerializable(typeof(Composed))]
public sealed partial class ComposeJson : JsonSerializerContext;

/// <summary>Live events (ctx.WriteLive) on the server's event stream: in order, without ids, never in the journal.</summary>
public sealed class LiveStreamTests : IAsyncLifetime
{
    private readonly ServerHost _server = new(services: s => s.AddWorkflows().AddDurableWorkflow<ComposeFlow>(ComposeJson.Default));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_event_stream_carries_live_pieces_as_they_are_written_and_the_journal_keeps_only_the_whole()
    {
        HttpClient client = _server.Client();
        RunRecord run = await _server.Runtime.StartRunAsync<ComposeFlow>(new Compose("We are on it"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{run.RunId}/events/stream");
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("retry: 2000", await reader.ReadLineAsync().WaitAsync(Api.Limit));

        // The server follows live events before its first byte: none written from now on is missed.
        ComposeFlow.Go("We are on it");
        var messages = new List<(string? Id, string Event, JsonNode Data)>();
        string? id = null, type = null;
        while (await reader.ReadLineAsync().WaitAsync(Api.Limit) is { } line && type != "end")
        {
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
                messages.Add((id, type!, JsonNode.Parse(line[6..])!));
                id = null;
            }
        }

        (string? Id, string Event, JsonNode Data)[] live = [.. messages.Where(m => m.Event == "live")];
        Assert.Equal(["We", " are", " on", " it"], live.Select(m => (string?)m.Data["payload"]!["Text"]));
        Assert.All(live, m => Assert.Null(m.Id));
        Assert.All(live, m => Assert.Equal(("Piece", "Write", 0), ((string?)m.Data["name"], (string?)m.Data["producer"], (int)m.Data["sequence"]!)));
        Assert.Equal("Composed", (string?)messages.Single(m => m.Event == "streamed").Data["name"]);
        Assert.DoesNotContain(await _server.Runtime.ReadEventsAsync(run.RunId), e => e.Type.EndsWith(".Piece", StringComparison.Ordinal));
    }
}
