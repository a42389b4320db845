using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class HumanInTheLoopTests
{
    [Fact]
    public async Task A_run_asks_through_the_stream_and_finishes_with_the_answer_sent_in()
    {
        WorkflowHandler<Decided> handler = new ApprovalByEventsFlow().RunAsync(new Draft("hello"));

        var seen = new List<Event>();
        await foreach (Event ev in handler.StreamEvents())
        {
            seen.Add(ev);
            if (ev is ReviewRequested)
            {
                await handler.SendEventAsync(new Verdict(true, "ana"));
            }
        }

        Assert.Equal([new ReviewRequested("hello"), new Decided("approved by ana")], seen);
        Assert.Equal("approved by ana", (await handler).Outcome);
    }

    [Fact]
    public async Task WaitForAsync_returns_the_answer_to_the_waiting_step()
    {
        WorkflowHandler<Decided> handler = new ApprovalByWaitFlow().RunAsync(new Draft("hello"));

        await foreach (Event ev in handler.StreamEvents())
        {
            if (ev is ReviewRequested request)
            {
                Assert.Equal("hello", request.Text);
                await handler.SendEventAsync(new Verdict(false, "bo"));
            }
        }

        Assert.Equal("rejected by bo", (await Within.Seconds(handler.Result)).Outcome);
    }

    [Fact]
    public async Task A_run_waiting_for_a_human_stays_running()
    {
        WorkflowHandler<Decided> handler = new ApprovalByEventsFlow().RunAsync(new Draft("x"));

        await Task.Delay(50);

        Assert.Equal(WorkflowRunStatus.Running, handler.Status);
        handler.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
    }

    [Fact]
    public async Task Sending_an_event_the_workflow_does_not_accept_is_rejected_and_changes_nothing()
    {
        WorkflowHandler<Decided> handler = new ApprovalByEventsFlow().RunAsync(new Draft("x"));

        // The typed handle would not even compile this; through the base type it is checked at run time.
        WorkflowHandler untyped = handler;
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await untyped.SendEventAsync(new Progress("nope")));

        Assert.StartsWith("Workflow 'ApprovalByEventsFlow' has no step that accepts 'Progress' and no step is waiting for one. It accepts from outside: Verdict.", error.Message, StringComparison.Ordinal);
        await handler.SendEventAsync(new Verdict(true, "ana"));
        Assert.Equal("approved by ana", (await Within.Seconds(handler.Result)).Outcome);
    }

    [Fact]
    public async Task Sending_into_a_finished_run_is_a_clear_error()
    {
        WorkflowHandler<Decided> handler = new ApprovalByEventsFlow().RunAsync(new Draft("x"));
        await handler.SendEventAsync(new Verdict(true, "ana"));
        await Within.Seconds(handler.Result);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await handler.SendEventAsync(new Verdict(true, "again")));

        Assert.Equal($"Run '{handler.RunId}' of workflow 'ApprovalByEventsFlow' has completed; it accepts no more events.", error.Message);
    }

    [Fact]
    public async Task A_waiting_step_is_cancelled_with_its_run()
    {
        WorkflowHandler<Decided> handler = new ApprovalByWaitFlow().RunAsync(new Draft("x"));
        await using IAsyncEnumerator<Event> stream = handler.StreamEvents().GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        handler.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
    }

    [Fact]
    public async Task A_wait_with_a_deadline_returns_null_when_its_time_passes_on_the_run_s_clock()
    {
        var clock = new Workflows.Testing.ManualTimeProvider();
        WorkflowHandler<Decided> handler = new ApprovalWithDeadlineFlow().RunAsync(new Draft("x"), new RunOptions { TimeProvider = clock });

        Assert.Equal(TimeSpan.FromHours(1), await clock.NextTimerAsync());
        Assert.False(handler.Result.IsCompleted);
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal("no answer within the hour", (await Within.Seconds(handler.Result)).Outcome);
    }

    [Fact]
    public async Task A_wait_with_a_deadline_returns_the_answer_that_comes_in_time()
    {
        var clock = new Workflows.Testing.ManualTimeProvider();
        WorkflowHandler<Decided> handler = new ApprovalWithDeadlineFlow().RunAsync(new Draft("x"), new RunOptions { TimeProvider = clock });
        await clock.NextTimerAsync();

        await handler.SendEventAsync(new Verdict(true, "ana"));

        Assert.Equal("answered by ana", (await Within.Seconds(handler.Result)).Outcome);
        Assert.Empty(clock.PendingTimers);
    }

    [Fact]
    public async Task A_run_that_asked_nothing_and_has_nothing_left_to_do_fails_as_stalled_even_if_it_takes_answers()
    {
        WorkflowHandler<Decided> handler = new QuietFlow().RunAsync(new Draft("x"));

        var error = await Assert.ThrowsAsync<WorkflowStalledException>(() => Within.Seconds(handler.Result));

        Assert.Equal(
            $"Run '{handler.RunId}' of workflow 'QuietFlow' stalled: no event is pending, no step is running, and no StopEvent was produced. The last step to produce nothing was 'Ask' (it returned no event).",
            error.Message);
    }
}
