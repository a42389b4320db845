using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

/// <summary>RunOptions.StreamCapacity: a step that outruns its reader waits; a run nobody streams keeps only the newest events and never blocks.</summary>
public class BoundedStreamTests
{
    [Fact]
    public async Task A_step_that_outruns_its_reader_waits_for_it_and_nothing_is_lost()
    {
        string gate = OpenGate();
        WorkflowHandler<Flooded> handler = new FloodFlow().RunAsync(new Flood(200, gate), new RunOptions { StreamCapacity = 10 });
        int read = 0;
        int furthestAhead = 0;
        await using (IAsyncEnumerator<Event> reader = handler.StreamEvents().GetAsyncEnumerator())
        {
            // The first MoveNextAsync makes the reader a reader; only then may the step start writing.
            ValueTask<bool> first = reader.MoveNextAsync();
            FloodFlow.Gates[gate].SetResult();
            for (bool more = await Within.Seconds(first.AsTask()); more; more = await Within.Seconds(reader.MoveNextAsync().AsTask()))
            {
                if (reader.Current is Written item)
                {
                    Assert.Equal(++read, item.Number);

                    // A slow reader: the writer gets as far ahead as it can.
                    await Task.Delay(read % 50 == 0 ? 50 : 0);
                    furthestAhead = Math.Max(furthestAhead, FloodFlow.Count.GetValueOrDefault(handler.RunId) - read);
                }
            }
        }

        Assert.Equal(200, read);
        Assert.Equal(new Flooded(200), await Within.Seconds(handler.Result));
        Assert.InRange(furthestAhead, 1, 11);
    }

    [Fact]
    public async Task A_run_nobody_streams_keeps_only_the_newest_events_and_completes()
    {
        WorkflowHandler<Flooded> handler = new FloodFlow().RunAsync(new Flood(5000), new RunOptions { StreamCapacity = 100 });

        Assert.Equal(new Flooded(5000), await Within.Seconds(handler.Result));
        List<Event> events = await Within.Seconds(StreamingTests.Collect(handler.StreamEvents()));

        Assert.Equal(Enumerable.Range(4901, 100).Select(n => (Event)new Written(n)).Append(new Flooded(5000)), events);
    }

    [Fact]
    public async Task A_reader_that_stops_early_does_not_hold_the_run_up()
    {
        string gate = OpenGate();
        WorkflowHandler<Flooded> handler = new FloodFlow().RunAsync(new Flood(500, gate), new RunOptions { StreamCapacity = 5 });
        await using (IAsyncEnumerator<Event> reader = handler.StreamEvents().GetAsyncEnumerator())
        {
            ValueTask<bool> first = reader.MoveNextAsync();
            FloodFlow.Gates[gate].SetResult();
            Assert.True(await Within.Seconds(first.AsTask()));
            await Task.Delay(50);
            Assert.InRange(FloodFlow.Count.GetValueOrDefault(handler.RunId), 1, 7);
        }

        Assert.Equal(new Flooded(500), await Within.Seconds(handler.Result));
    }

    [Fact]
    public async Task Cancelling_a_run_whose_step_waits_for_its_reader_ends_it()
    {
        string gate = OpenGate();
        using var cancel = new CancellationTokenSource();
        WorkflowHandler<Flooded> handler = new FloodFlow().RunAsync(new Flood(1000, gate), new RunOptions { StreamCapacity = 3 }, cancel.Token);
        await using IAsyncEnumerator<Event> reader = handler.StreamEvents().GetAsyncEnumerator();
        ValueTask<bool> first = reader.MoveNextAsync();
        FloodFlow.Gates[gate].SetResult();
        Assert.True(await Within.Seconds(first.AsTask()));

        // The writer waits for room now; nobody reads on.
        await Task.Delay(50);
        Assert.InRange(FloodFlow.Count.GetValueOrDefault(handler.RunId), 1, 5);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        Assert.Equal(WorkflowRunStatus.Cancelled, handler.Status);
    }

    private static string OpenGate()
    {
        string gate = Guid.NewGuid().ToString("N");
        FloodFlow.Gates[gate] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return gate;
    }

    [Fact]
    public void A_capacity_below_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RunOptions { StreamCapacity = 0 });
        Assert.Equal("value", error.ParamName);
    }
}
