using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Flows;

namespace Workflows.Benchmarks;

/// <summary>
/// A 3-step linear run (Begin → Doubled → Incremented → Finished) against the floor: the same hops
/// written by hand with a raw <see cref="Channel{T}"/> and direct calls. Synchronous steps, then
/// steps that each yield to the thread pool once.
/// </summary>
[MemoryDiagnoser]
public class LinearRunBenchmarks
{
    [Benchmark(Baseline = true, Description = "sync steps: hand-written Channel<T> loop")]
    public async Task<Finished> HandWritten()
    {
        Channel<Event> channel = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        channel.Writer.TryWrite(new Begin(20));
        while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (channel.Reader.TryRead(out Event? ev))
            {
                switch (ev)
                {
                    case Begin begin:
                        channel.Writer.TryWrite(LinearFlow.Twice(begin));
                        break;
                    case Doubled doubled:
                        channel.Writer.TryWrite(LinearFlow.Increment(doubled));
                        break;
                    case Incremented incremented:
                        return LinearFlow.Finish(incremented);
                }
            }
        }

        throw new InvalidOperationException("The channel completed before the run finished.");
    }

    [Benchmark(Description = "sync steps: Workflows")]
    public async Task<Finished> Workflows() => await LinearFlow.RunAsync(new Begin(20)).ConfigureAwait(false);

    [Benchmark(Description = "async steps: hand-written Channel<T> loop")]
    public async Task<Finished> HandWrittenAsync()
    {
        Channel<Event> channel = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        channel.Writer.TryWrite(new Begin(20));
        while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (channel.Reader.TryRead(out Event? ev))
            {
                switch (ev)
                {
                    case Begin begin:
                        _ = Forward(channel, AsyncLinearFlow.Twice(begin));
                        break;
                    case Doubled doubled:
                        _ = Forward(channel, AsyncLinearFlow.Increment(doubled));
                        break;
                    case Incremented incremented:
                        return await AsyncLinearFlow.Finish(incremented).ConfigureAwait(false);
                }
            }
        }

        throw new InvalidOperationException("The channel completed before the run finished.");

        static async Task Forward<T>(Channel<Event> channel, Task<T> step)
            where T : Event => channel.Writer.TryWrite(await step.ConfigureAwait(false));
    }

    [Benchmark(Description = "async steps: Workflows")]
    public async Task<Finished> WorkflowsAsync() => await AsyncLinearFlow.RunAsync(new Begin(20)).ConfigureAwait(false);
}
