using System.Threading.Channels;

namespace Workflows.Engine;

/// <summary>
/// A run's event stream: what steps write, every <see cref="InputRequiredEvent"/>, then the StopEvent
/// (or the run's error). The channel is made on the first write or read, so a run that nobody
/// streams and that streams nothing never has one; it is read once.
/// </summary>
/// <remarks>
/// The first reader or writer making the channel and the loop ending the run hand over without a
/// lock: each side publishes with a full fence, then looks at the other's flag; whoever wins
/// <c>_closed</c> writes the StopEvent and completes the channel, exactly once.
/// </remarks>
internal struct RunStream
{
    private Channel<Event>? _channel;
    private int _ended;
    private int _closed;
    private int _taken;

    /// <summary>Claims the stream for its one reader; false when it was already taken.</summary>
    public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;

    public void Write(Event ev, InMemoryRun run) => Channel(run).Writer.TryWrite(ev);

    public ChannelReader<Event> Reader(InMemoryRun run) => Channel(run).Reader;

    /// <summary>The run has reached its outcome: close the stream with it, now or when it is made.</summary>
    public void End(InMemoryRun run)
    {
        Interlocked.Exchange(ref _ended, 1);
        if (Volatile.Read(ref _channel) is { } channel)
        {
            Close(channel, run);
        }
    }

    private Channel<Event> Channel(InMemoryRun run)
    {
        if (Volatile.Read(ref _channel) is { } channel)
        {
            return channel;
        }

        Channel<Event> created = System.Threading.Channels.Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        channel = Interlocked.CompareExchange(ref _channel, created, null) ?? created;
        if (Volatile.Read(ref _ended) != 0)
        {
            Close(channel, run);
        }

        return channel;
    }

    private void Close(Channel<Event> channel, InMemoryRun run)
    {
        if (Interlocked.CompareExchange(ref _closed, 1, 0) != 0)
        {
            return;
        }

        if (run.Status == WorkflowRunStatus.Completed)
        {
            channel.Writer.TryWrite(run.StopEvent!);
            channel.Writer.TryComplete();
        }
        else
        {
            channel.Writer.TryComplete(run.OutcomeException());
        }
    }
}
