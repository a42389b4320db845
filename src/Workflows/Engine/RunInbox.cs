using System.Threading.Channels;

namespace Workflows.Engine;

/// <summary>
/// What reaches a run's loop from other threads (asynchronous completions, events sent in, wake-ups):
/// a single-reader <see cref="Channel{T}"/>, made the first time something arrives, so a run whose
/// steps all complete synchronously never has one.
/// </summary>
internal struct RunInbox
{
    private Channel<InboxMessage>? _channel;

    /// <summary>Posts a message from any thread.</summary>
    public void Post(in InboxMessage message) => Channel().Writer.TryWrite(message);

    /// <summary>Takes the next message, on the loop.</summary>
    public readonly bool TryRead(out InboxMessage message)
    {
        if (Volatile.Read(in _channel) is { } channel)
        {
            return channel.Reader.TryRead(out message);
        }

        message = default;
        return false;
    }

    /// <summary>Whether a message is waiting (one may have arrived since the loop last looked).</summary>
    public readonly bool HasMessages => Volatile.Read(in _channel) is { } channel && channel.Reader.TryPeek(out _);

    /// <summary>The reader the loop waits on when it has nothing to do.</summary>
    public ChannelReader<InboxMessage> Reader => Channel().Reader;

    private Channel<InboxMessage> Channel()
    {
        if (Volatile.Read(ref _channel) is { } channel)
        {
            return channel;
        }

        Channel<InboxMessage> created = System.Threading.Channels.Channel.CreateUnbounded<InboxMessage>(new UnboundedChannelOptions { SingleReader = true });
        return Interlocked.CompareExchange(ref _channel, created, null) ?? created;
    }
}
