using Microsoft.Extensions.AI;

namespace Workflows.AI.Tests;

/// <summary>A model's answer as it is written: deltas in order in memory, live to followers of a durable run and absent from its journal.</summary>
public class StreamingTests
{
    [Fact]
    public async Task In_memory_the_deltas_stream_in_order_before_the_usage_and_the_result()
    {
        var chat = new ScriptedChatClient(ScriptedChatClient.Says("We are on it, Ana."));
        DraftFlow.Handler handler = new DraftFlow(chat).RunAsync(new TicketOpened("broken vase"));

        List<Event> streamed = [.. await handler.StreamEvents().ToListAsync()];

        ModelDelta[] deltas = [.. streamed.OfType<ModelDelta>()];
        Assert.Equal(["We", " are", " on", " it,", " Ana."], deltas.Select(d => d.Text));
        Assert.Equal([0, 1, 2, 3, 4], deltas.Select(d => d.Index));
        Assert.Single(deltas.Select(d => d.MessageId).Distinct());
        Assert.All(deltas, d => Assert.Equal("draft", d.Key));
        Assert.IsType<ModelUsage>(streamed[5]);
        Assert.Equal(new Drafted("We are on it, Ana."), streamed[^1]);
        Assert.Equal("We are on it, Ana.", (await handler).Reply);
    }
}
