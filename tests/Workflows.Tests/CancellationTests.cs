using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class CancellationTests
{
    [Fact]
    public async Task Cancel_ends_the_run_with_OperationCanceledException_and_cancels_its_steps()
    {
        var flow = new ForeverFlow();
        WorkflowHandler<Waited> handler = flow.RunAsync(new Wait());
        await Within.Seconds(flow.Started.Task);

        handler.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        Assert.True(handler.Result.IsCanceled);
        Assert.Equal(WorkflowRunStatus.Cancelled, handler.Status);
        Assert.True(await Within.Seconds(flow.SawCancellation.Task));
    }

    [Fact]
    public async Task The_callers_token_cancels_the_run_and_is_the_exceptions_token()
    {
        using var cts = new CancellationTokenSource();
        WorkflowHandler<Waited> handler = new ForeverFlow().RunAsync(new Wait(), cancellationToken: cts.Token);

        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task An_already_cancelled_token_ends_the_run_before_any_step()
    {
        var flow = new ForeverFlow();

        WorkflowHandler<Waited> handler = flow.RunAsync(new Wait(), cancellationToken: new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        Assert.False(flow.Started.Task.IsCompleted);
    }

    [Fact]
    public async Task Producing_the_stop_event_cancels_steps_still_in_flight()
    {
        var flow = new CancelledInFlightFlow();

        await Within.Seconds(flow.RunAsync(new Wait()).Result);

        Assert.True(await Within.Seconds(flow.SawCancellation.Task));
    }

    [Fact]
    public async Task Cancel_after_the_run_completed_changes_nothing()
    {
        WorkflowHandler<Finished> handler = new LinearFlow().RunAsync(new Begin(1));
        await handler;

        handler.Cancel();

        Assert.Equal(WorkflowRunStatus.Completed, handler.Status);
        Assert.Equal(3, (await handler).Value);
    }
}
