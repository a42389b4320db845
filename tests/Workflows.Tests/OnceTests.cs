namespace Workflows.Tests;

public sealed record Quote(string Item) : StartEvent;
public sealed record Quoted(string Price) : StopEvent;

/// <summary>In memory, ctx.OnceAsync simply runs the work, under the run's cancellation; bad keys are refused at the call.</summary>
public partial class OnceTests
{
    [Workflow]
    public partial class QuoteFlow
    {
        private int _calls;

        public int Calls => _calls;

        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [Step]
        public async Task<Quoted> Ask(Quote quote, WorkflowContext ctx, CancellationToken ct)
        {
            if (quote.Item == "empty-key")
            {
                await ctx.OnceAsync(string.Empty, _ => ValueTask.FromResult(1), ct);
            }

            if (quote.Item == "long-key")
            {
                await ctx.OnceAsync(new string('k', 201), _ => ValueTask.FromResult(1), ct);
            }

            string price = await ctx.OnceAsync("price", async token =>
            {
                Interlocked.Increment(ref _calls);
                if (quote.Item == "forever")
                {
                    Started.TrySetResult(token);
                    await Task.Delay(Timeout.Infinite, token);
                }

                return $"{quote.Item}: 4 EUR";
            }, ct);
            return new Quoted(price);
        }
    }

    [Fact]
    public async Task The_work_runs_and_its_result_is_returned()
    {
        var flow = new QuoteFlow();
        Quoted quoted = await flow.RunAsync(new Quote("tea"));

        Assert.Equal("tea: 4 EUR", quoted.Price);
        Assert.Equal(1, flow.Calls);
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_the_work()
    {
        var flow = new QuoteFlow();
        QuoteFlow.Handler handler = flow.RunAsync(new Quote("forever"));
        CancellationToken token = await flow.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        handler.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handler.Result);
        Assert.True(token.IsCancellationRequested);
    }

    [Theory]
    [InlineData("empty-key", "The value cannot be an empty string. (Parameter 'key')")]
    [InlineData("long-key", "key ('201') must be less than or equal to '200'. (Parameter 'key')\nActual value was 201.")]
    public async Task A_bad_key_fails_the_step_with_a_message_that_names_it(string item, string message)
    {
        ArgumentException error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await new QuoteFlow().RunAsync(new Quote(item)));

        Assert.Equal(message, error.Message);
    }
}
