using Workflows.Tests.Flows;
using Workflows.Testing;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class ResilienceTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    public async Task A_throwing_step_is_retried_until_it_succeeds(int failures, int expectedAttempts)
    {
        var flow = new RetryFlow();

        Recovered recovered = await Within.Seconds(flow.RunAsync(new Attempt(failures)).Result);

        Assert.Equal(expectedAttempts, recovered.Attempts);
        Assert.Equal(expectedAttempts, flow.Attempts);
    }

    [Fact]
    public async Task After_its_last_attempt_a_step_fails_the_run_with_the_last_exception()
    {
        var flow = new RetryFlow();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Within.Seconds(flow.RunAsync(new Attempt(10)).Result));

        Assert.Equal("attempt 4 failed", error.Message);
        Assert.Equal(4, flow.Attempts);
    }

    [Fact]
    public async Task Exponential_backoff_doubles_the_delay_between_attempts()
    {
        var clock = new ManualTimeProvider();
        var flow = new BackoffFlow();
        WorkflowHandler<Recovered> handler = flow.RunAsync(new Attempt(0), new RunOptions { TimeProvider = clock });

        var delays = new List<TimeSpan>();
        for (int retry = 0; retry < 3; retry++)
        {
            TimeSpan delay = await clock.NextTimerAsync();
            delays.Add(delay);
            Assert.Equal(retry + 1, flow.Attempts);
            clock.Advance(delay);
        }

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Within.Seconds(handler.Result));
        Assert.Equal("attempt 4 timed out upstream", error.Message);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], delays);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_attempt_that_exceeds_TimeoutMs_fails_with_StepTimeoutException(bool cooperative)
    {
        var flow = new StepTimeoutFlow();

        var error = await Assert.ThrowsAsync<StepTimeoutException>(() => Within.Seconds(flow.RunAsync(new Slow(cooperative)).Result));

        Assert.Equal("Hang", error.StepName);
        Assert.Equal(2, error.Attempt);
        Assert.Equal(2, flow.Attempts);
        Assert.Equal("Step 'Hang' did not finish attempt 2 within 50 ms.", error.Message);
        flow.Abandoned.TrySetResult();
    }

    [Fact]
    public async Task A_run_past_its_timeout_fails_with_WorkflowTimeoutException_and_cancels_its_steps()
    {
        var clock = new ManualTimeProvider();
        var flow = new ForeverFlow();
        WorkflowHandler<Waited> handler = flow.RunAsync(new Wait(), new RunOptions { Timeout = TimeSpan.FromSeconds(30), TimeProvider = clock });

        Assert.Equal(TimeSpan.FromSeconds(30), await clock.NextTimerAsync());
        await Within.Seconds(flow.Started.Task);
        clock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<WorkflowTimeoutException>(() => Within.Seconds(handler.Result));
        Assert.Equal(TimeSpan.FromSeconds(30), error.Timeout);
        Assert.Equal(handler.RunId, error.RunId);
        Assert.Equal(WorkflowRunStatus.TimedOut, handler.Status);
        Assert.True(await Within.Seconds(flow.SawCancellation.Task));
    }
}
