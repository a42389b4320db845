namespace Workflows.Engine;

/// <summary>
/// A run's event stream: what steps write, every <see cref="InputRequiredEvent"/>, then the StopEvent
/// (or the run's error), held in a bounded <see cref="StreamBuffer"/>. The buffer is made on the first
/// write or read, so a run that nobody streams and that streams nothing never has one; it is read once.
/// </summary>
/// <remarks>
/// The first reader or writer making the buffer and the loop ending the run hand over without a
/// lock: each side publishes with a full fence, then looks at the other's flag; the buffer closes
/// once, whoever gets there first.
/// </remarks>
internal struct RunStream
{
    /// <summary>How many unread events a run's stream holds when <see cref="RunOptions.StreamCapacity"/> does not say.</summary>
    public const int DefaultCapacity = 1000;

    private StreamBuffer? _buffer;
    private int _ended;
    private int _taken;

    /// <summary>Claims the stream for its one reader; false when it was already taken.</summary>
    public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;

    /// <summary>Writes an event; <paramref name="mayWait"/> says whether the writer may wait for the reader when the buffer is full.</summary>
    public void Write(Event ev, bool mayWait, InMemoryRun run) => Buffer(run).Write(ev, mayWait);

    public IAsyncEnumerable<Event> Read(InMemoryRun run, CancellationToken cancellationToken) => Buffer(run).ReadAllAsync(cancellationToken);

    /// <summary>The run has reached its outcome: close the stream with it, now or when it is made.</summary>
    public void End(InMemoryRun run)
    {
        Interlocked.Exchange(ref _ended, 1);
        if (Volatile.Read(ref _buffer) is { } buffer)
        {
            Close(buffer, run);
        }
    }

    private StreamBuffer Buffer(InMemoryRun run)
    {
        if (Volatile.Read(ref _buffer) is { } buffer)
        {
            return buffer;
        }

        var created = new StreamBuffer(run.StreamCapacity, run.WorkflowName);
        buffer = Interlocked.CompareExchange(ref _buffer, created, null) ?? created;
        if (Volatile.Read(ref _ended) != 0)
        {
            Close(buffer, run);
        }

        return buffer;
    }

    private static void Close(StreamBuffer buffer, InMemoryRun run)
    {
        if (run.Status == WorkflowRunStatus.Completed)
        {
            buffer.Close(run.StopEvent!, null);
        }
        else
        {
            buffer.Close(null, run.OutcomeException());
        }
    }
}
