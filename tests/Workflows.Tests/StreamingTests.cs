using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class StreamingTests
{
    [Fact]
    public async Task The_stream_yields_written_events_in_order_then_the_stop_event_and_completes()
    {
        WorkflowHandler<Counted> handler = new CountingFlow().RunAsync(new Count(5));

        List<Event> events = await Within.Seconds(Collect(handler.StreamEvents()));

        Assert.Equal(
            [new Progress("tick 1"), new Progress("tick 2"), new Progress("tick 3"), new Progress("tick 4"), new Progress("tick 5"), new Counted(5)],
            events);
    }

    [Fact]
    public async Task Streaming_after_the_run_finished_still_yields_everything()
    {
        WorkflowHandler<Counted> handler = new CountingFlow().RunAsync(new Count(3));
        await Within.Seconds(handler.Result);

        List<Event> events = await Within.Seconds(Collect(handler.StreamEvents()));

        Assert.Equal([new Progress("tick 1"), new Progress("tick 2"), new Progress("tick 3"), new Counted(3)], events);
    }

    [Fact]
    public async Task A_run_that_streams_nothing_yields_only_its_stop_event()
    {
        WorkflowHandler<Finished> handler = new LinearFlow().RunAsync(new Begin(1));

        Assert.Equal([new Finished(3)], await Within.Seconds(Collect(handler.StreamEvents())));
    }

    [Fact]
    public void A_second_call_to_StreamEvents_is_a_clear_error()
    {
        WorkflowHandler<Finished> handler = new LinearFlow().RunAsync(new Begin(1));
        _ = handler.StreamEvents();

        var error = Assert.Throws<InvalidOperationException>(() => handler.StreamEvents());

        Assert.StartsWith($"StreamEvents was already called on run '{handler.RunId}' of workflow 'LinearFlow'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stream_of_a_failed_run_yields_what_was_written_then_throws_the_failure()
    {
        WorkflowHandler<Counted> handler = new StreamThenFailFlow().RunAsync(new Count(1));
        var seen = new List<Event>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (Event ev in handler.StreamEvents())
            {
                seen.Add(ev);
            }
        });

        Assert.Equal("the failure", error.Message);
        Assert.Equal([new Progress("before the failure")], seen);
    }

    [Fact]
    public async Task StreamEvents_of_a_type_yields_only_those_events()
    {
        WorkflowHandler<Counted> handler = new CountingFlow().RunAsync(new Count(3));
        var messages = new List<string>();

        await foreach (Progress progress in handler.StreamEvents<Progress>())
        {
            messages.Add(progress.Message);
        }

        Assert.Equal(["tick 1", "tick 2", "tick 3"], messages);
    }

    [Fact]
    public async Task A_typed_handle_sends_the_workflows_own_response_type()
    {
        ApprovalByEventsFlow.Handler handler = new ApprovalByEventsFlow().RunAsync(new Draft("typed"));

        await foreach (ReviewRequested _ in handler.StreamEvents<ReviewRequested>())
        {
            await handler.SendEventAsync(new Verdict(true, "ana"));
        }

        Assert.Equal("approved by ana", (await handler).Outcome);
    }

    internal static async Task<List<Event>> Collect(IAsyncEnumerable<Event> events)
    {
        var list = new List<Event>();
        await foreach (Event ev in events)
        {
            list.Add(ev);
        }

        return list;
    }
}
