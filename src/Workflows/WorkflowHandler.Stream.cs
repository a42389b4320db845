using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Workflows;

// The run's event stream: WriteToStream events and InputRequiredEvents in order, then the StopEvent.
public abstract partial class WorkflowHandler
{
    // Created on first write or first read, so runs nobody streams and that stream nothing skip it.
    private Channel<Event>? _stream;
    private int _streamEnded;
    private int _streamClosed;
    private int _streamTaken;

    /// <summary>
    /// Streams the run's events: those written with <see cref="WorkflowContext.WriteToStream"/> and
    /// every <see cref="InputRequiredEvent"/>, in order, then the StopEvent; then it completes. If the
    /// run fails, is cancelled or times out, the enumeration throws that error after the events
    /// written before it. Events are kept from the start of the run, so it does not matter when you
    /// begin streaming.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration (not the run).</param>
    /// <returns>The run's events.</returns>
    /// <exception cref="InvalidOperationException">The stream of this run was already taken: each run
    /// streams its events once.</exception>
    /// <example>
    /// <code>
    /// await foreach (Event ev in handler.StreamEvents())
    /// {
    ///     if (ev is Progress p) Console.WriteLine(p.Message);
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<Event> StreamEvents(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _streamTaken, 1) != 0)
        {
            throw new InvalidOperationException(
                $"StreamEvents was already called on run '{RunId}' of workflow '{WorkflowName}'. A run's events are streamed once; " +
                "share that one enumeration, or await the handler for the result.");
        }

        return ReadStreamAsync(GetStream().Reader, cancellationToken);
    }

    /// <summary>
    /// Streams only the run's events of type <typeparamref name="TEvent"/> (and its subtypes), in
    /// order; like <see cref="StreamEvents(CancellationToken)"/>, it takes the run's one stream, and
    /// throws the run's error if it fails.
    /// </summary>
    /// <typeparam name="TEvent">The events wanted.</typeparam>
    /// <param name="cancellationToken">Stops the enumeration (not the run).</param>
    /// <returns>The run's events of that type.</returns>
    /// <example>
    /// <code>
    /// await foreach (Progress p in handler.StreamEvents&lt;Progress&gt;()) Console.WriteLine(p.Message);
    /// </code>
    /// </example>
    public IAsyncEnumerable<TEvent> StreamEvents<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : Event => OfType<TEvent>(StreamEvents(cancellationToken), cancellationToken);

    private static async IAsyncEnumerable<TEvent> OfType<TEvent>(IAsyncEnumerable<Event> events, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TEvent : Event
    {
        await foreach (Event ev in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (ev is TEvent typed)
            {
                yield return typed;
            }
        }
    }

    internal void WriteToStream(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        _observer?.EventStreamed(this, ev);
        GetStream().Writer.TryWrite(ev);
    }

    private static async IAsyncEnumerable<Event> ReadStreamAsync(ChannelReader<Event> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out Event? ev))
            {
                yield return ev;
            }
        }
    }

    // Lock-free hand-over between the first reader/writer creating the stream and Finish closing it:
    // each side publishes with a full fence, then looks at the other's flag; whoever wins _streamClosed
    // writes the StopEvent and completes it, exactly once.
    private Channel<Event> GetStream()
    {
        if (Volatile.Read(ref _stream) is { } stream)
        {
            return stream;
        }

        var created = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });
        stream = Interlocked.CompareExchange(ref _stream, created, null) ?? created;
        if (Volatile.Read(ref _streamEnded) != 0)
        {
            CloseStream(stream);
        }

        return stream;
    }

    private void CompleteStream()
    {
        Interlocked.Exchange(ref _streamEnded, 1);
        if (Volatile.Read(ref _stream) is { } stream)
        {
            CloseStream(stream);
        }
    }

    private void CloseStream(Channel<Event> stream)
    {
        if (Interlocked.CompareExchange(ref _streamClosed, 1, 0) == 0)
        {
            EndStream(stream);
        }
    }

    private void EndStream(Channel<Event> stream)
    {
        if (Status == WorkflowRunStatus.Completed)
        {
            stream.Writer.TryWrite(_stopEvent!);
            stream.Writer.TryComplete();
        }
        else
        {
            stream.Writer.TryComplete(OutcomeException());
        }
    }
}
