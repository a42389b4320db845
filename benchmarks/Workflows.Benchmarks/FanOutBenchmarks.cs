using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Flows;

namespace Workflows.Benchmarks;

/// <summary>Fan-out of 100 events to a step, fan-in of the 100 results.</summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private const int Count = 100;

    [Benchmark(Baseline = true, Description = "fan-out 100: hand-written Channel<T> loop")]
    public async Task<Summed> HandWritten()
    {
        Channel<Event> channel = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        channel.Writer.TryWrite(new Spread(Count));
        var gathered = new List<Squared>(Count);
        while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (channel.Reader.TryRead(out Event? ev))
            {
                switch (ev)
                {
                    case Spread spread:
                        for (int i = 0; i < spread.Count; i++)
                        {
                            channel.Writer.TryWrite(new Piece(i));
                        }

                        break;
                    case Piece piece:
                        channel.Writer.TryWrite(FanOutFlow.Square(piece));
                        break;
                    case Squared squared:
                        gathered.Add(squared);
                        if (gathered.Count == Count)
                        {
                            long total = 0;
                            foreach (Squared s in gathered)
                            {
                                total += s.Value;
                            }

                            return new Summed(total);
                        }

                        break;
                }
            }
        }

        throw new InvalidOperationException("The channel completed before the run finished.");
    }

    [Benchmark(Description = "fan-out 100: Workflows")]
    public async Task<Summed> Workflows() => await FanOutFlow.RunAsync(new Spread(Count)).ConfigureAwait(false);

    [Benchmark(Description = "fan-out 100: Workflows, list returned and joined")]
    public async Task<Summed> WorkflowsJoin() => await JoinFlow.RunAsync(new Spread(Count)).ConfigureAwait(false);
}
