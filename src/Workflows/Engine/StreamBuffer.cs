using System.Runtime.ExceptionServices;
using Workflows.Diagnostics;

namespace Workflows.Engine;

/// <summary>
/// The events of a run's stream not read yet, at most <c>capacity</c> of them. While someone reads,
/// a step that writes to a full buffer waits for the reader (backpressure); until someone reads, the
/// oldest events make room for new ones, so a run nobody streams neither grows without bound nor
/// blocks. Writes that must never wait (the loop's own: questions, and synchronous steps running on
/// it) go through regardless. Closed with the run's outcome: the StopEvent last, or the run's error.
/// </summary>
internal sealed class StreamBuffer(int capacity, string workflow)
{
    private static readonly Task Done = Task.CompletedTask;

    private readonly Queue<Event> _events = new();
    private TaskCompletionSource? _readable;
    private TaskCompletionSource? _room;
    private bool _reading;
    private bool _abandoned;
    private bool _closed;
    private Exception? _error;

    private object Gate => _events;

    /// <summary>Adds an event; when someone reads and the buffer is full, waits for room unless <paramref name="mayWait"/> is false.</summary>
    public void Write(Event ev, bool mayWait)
    {
        while (true)
        {
            Task room;
            TaskCompletionSource? readable;
            bool dropped = false;
            lock (Gate)
            {
                if (_closed || _abandoned)
                {
                    // The run has ended, or its reader has left: nobody will read it.
                    return;
                }

                if (_events.Count >= capacity && _reading && mayWait)
                {
                    room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    goto wait;
                }

                if (_events.Count >= capacity && !_reading)
                {
                    _events.Dequeue();
                    dropped = true;
                }

                _events.Enqueue(ev);
                readable = _readable;
                _readable = null;
            }

            if (dropped && WorkflowTelemetry.StreamDropped.Enabled)
            {
                WorkflowTelemetry.StreamDropped.Add(1, new KeyValuePair<string, object?>("workflow.name", workflow));
            }

            readable?.TrySetResult();
            return;

        wait:
            // Woken by a read, the reader leaving or the run ending; then it looks again.
            room.Wait();
        }
    }

    /// <summary>Closes the stream with the run's outcome: its StopEvent, or its error.</summary>
    public void Close(Event? stop, Exception? error)
    {
        TaskCompletionSource? readable;
        TaskCompletionSource? room;
        lock (Gate)
        {
            if (_closed)
            {
                return;
            }

            if (stop is not null && !_abandoned)
            {
                _events.Enqueue(stop);
            }

            _closed = true;
            _error = error;
            (readable, _readable) = (_readable, null);
            (room, _room) = (_room, null);
        }

        readable?.TrySetResult();
        room?.TrySetResult();
    }

    /// <summary>The buffer's one reader: every event in order, then the run's end (its error thrown).</summary>
    public async IAsyncEnumerable<Event> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            _reading = true;
        }

        try
        {
            while (true)
            {
                Event? next = null;
                Task waitFor = Done;
                TaskCompletionSource? room = null;
                lock (Gate)
                {
                    if (_events.TryDequeue(out next))
                    {
                        (room, _room) = (_room, null);
                    }
                    else if (!_closed)
                    {
                        waitFor = (_readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    }
                }

                room?.TrySetResult();
                if (next is not null)
                {
                    yield return next;
                    continue;
                }

                if (waitFor == Done)
                {
                    if (_error is not null)
                    {
                        ExceptionDispatchInfo.Throw(_error);
                    }

                    yield break;
                }

                await waitFor.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Abandon();
        }
    }

    /// <summary>The reader left: what is buffered and what comes later is dropped, and writers waiting go on.</summary>
    private void Abandon()
    {
        TaskCompletionSource? room;
        lock (Gate)
        {
            _abandoned = true;
            _events.Clear();
            (room, _room) = (_room, null);
        }

        room?.TrySetResult();
    }
}
