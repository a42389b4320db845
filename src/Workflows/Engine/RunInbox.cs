using System.Threading.Channels;
using Workflows.Rules;

namespace Workflows.Engine;

/// <summary>
/// What reaches a run's loop from other threads (asynchronous completions, events sent in, wake-ups):
/// a single-reader <see cref="Channel{T}"/>, made the first time something arrives, so a run whose
/// steps all complete synchronously never has one. Events sent in take room, at most
/// <see cref="RunOptions.InboxCapacity"/> of them waiting for the loop; a sender beyond that waits.
/// The run's own messages (completions, timers, wake-ups) never wait: they are bounded by what the
/// run has in flight, and the loop that would free room must never wait for itself.
/// </summary>
internal struct RunInbox
{
    /// <summary>How many sent events wait for the loop when <see cref="RunOptions.InboxCapacity"/> does not say.</summary>
    public const int DefaultCapacity = 1000;

    private Channel<InboxMessage>? _channel;
    private InboxRoom? _room;

    /// <summary>Posts one of the run's own messages, from any thread; it never waits.</summary>
    public void Post(in InboxMessage message) => Channel().Writer.TryWrite(message);

    /// <summary>Posts an event sent in, waiting (blocking the caller) while the inbox is full; throws when the run ends first.</summary>
    public void Send(Event ev, int producer, Lineage? lineage, int capacity, IRunCancellation run)
    {
        InboxRoom room = Room(capacity);
        if (!room.TryTake())
        {
            room.Wait(run.RunToken);
        }

        Channel().Writer.TryWrite(InboxMessage.Sent(ev, producer, lineage));
    }

    /// <summary>Posts an event sent in, waiting asynchronously while the inbox is full; throws when the run ends first.</summary>
    public ValueTask SendAsync(Event ev, int producer, int capacity, IRunCancellation run)
    {
        InboxRoom room = Room(capacity);
        if (room.TryTake())
        {
            Channel().Writer.TryWrite(InboxMessage.Sent(ev, producer, null));
            return default;
        }

        return WaitThenSendAsync(room, Channel(), ev, producer, run.RunToken);

        static async ValueTask WaitThenSendAsync(InboxRoom room, Channel<InboxMessage> channel, Event ev, int producer, CancellationToken ending)
        {
            await room.WaitAsync(ending).ConfigureAwait(false);
            channel.Writer.TryWrite(InboxMessage.Sent(ev, producer, null));
        }
    }

    /// <summary>The loop took a sent event: its room is free again.</summary>
    public readonly void Took() => _room!.Free();

    /// <summary>Whether an event was sent that the loop has not taken yet (posted, or waiting for room): the run has something coming.</summary>
    public readonly bool HasSenders => Volatile.Read(in _room) is { Senders: > 0 };

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

    private InboxRoom Room(int capacity)
    {
        if (Volatile.Read(ref _room) is { } room)
        {
            return room;
        }

        var created = new InboxRoom(capacity);
        return Interlocked.CompareExchange(ref _room, created, null) ?? created;
    }

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

/// <summary>
/// Room for sent events in a run's inbox, and how many sent events the loop has yet to take: a sender
/// counts from the moment it asks for room until the loop takes its event, so the loop never mistakes
/// a sender waiting for room (or one about to post) for a run with nothing left to do.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose AvailableWaitHandle is never read holds nothing to dispose.")]
internal sealed class InboxRoom(int capacity)
{
    private readonly SemaphoreSlim _room = new(capacity, capacity);
    private int _senders;

    public int Senders => Volatile.Read(ref _senders);

    public bool TryTake()
    {
        Interlocked.Increment(ref _senders);
        return _room.Wait(0);
    }

    /// <summary>Waits for room (after <see cref="TryTake"/> found none); a sender that gives up is no longer counted.</summary>
    public void Wait(CancellationToken ending)
    {
        try
        {
            _room.Wait(ending);
        }
        catch
        {
            Interlocked.Decrement(ref _senders);
            throw;
        }
    }

    public async Task WaitAsync(CancellationToken ending)
    {
        try
        {
            await _room.WaitAsync(ending).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _senders);
            throw;
        }
    }

    /// <summary>The loop took a sent event: one sender less, and room for another.</summary>
    public void Free()
    {
        Interlocked.Decrement(ref _senders);
        _room.Release();
    }
}
