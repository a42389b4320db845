using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Flows;

namespace Workflows.Benchmarks;

/// <summary>A step writes 10,000 events; the caller streams them all, then gets the result.</summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private const int Count = 10_000;

    [Benchmark(Baseline = true, Description = "stream 10,000: hand-written Channel<T>")]
    public async Task<int> HandWritten()
    {
        Channel<Event> stream = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                stream.Writer.TryWrite(new Tick(i));
            }

            stream.Writer.TryWrite(new Emitted(Count));
            stream.Writer.Complete();
        });

        int seen = 0;
        await foreach (Event _ in stream.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            seen++;
        }

        return seen;
    }

    [Benchmark(Description = "stream 10,000: Workflows")]
    public async Task<int> Workflows()
    {
        WorkflowHandler<Emitted> handler = StreamingFlow.RunAsync(new Emit(Count));
        int seen = 0;
        await foreach (Event _ in handler.StreamEvents().ConfigureAwait(false))
        {
            seen++;
        }

        return seen;
    }
}
