namespace Workflows.Engine;

/// <summary>An event waiting to be routed, with who produced it (for error messages).</summary>
internal readonly struct PendingEvent(Event ev, int producer, Rules.Lineage? lineage = null)
{
    private readonly object _item = Branched.Of(ev, lineage)!;

    public Event Event => Branched.EventOf(_item)!;

    public int Producer { get; } = producer;

    public Rules.Lineage? Lineage => Branched.LineageOf(_item);
}

/// <summary>
/// The events a run's loop produced itself (synchronous step results, <c>ctx.Send</c> on the loop).
/// They never cross a thread, so they skip the inbox channel. FIFO; the first item lives inline,
/// so a linear run allocates nothing here.
/// </summary>
internal struct LocalQueue
{
    private PendingEvent _head;
    private bool _hasHead;
    private Queue<PendingEvent>? _rest;

    public void Enqueue(PendingEvent item)
    {
        if (!_hasHead && (_rest is null || _rest.Count == 0))
        {
            _head = item;
            _hasHead = true;
            return;
        }

        (_rest ??= new Queue<PendingEvent>()).Enqueue(item);
    }

    public bool TryDequeue(out PendingEvent item)
    {
        if (_hasHead)
        {
            item = _head;
            _head = default;
            _hasHead = false;
            return true;
        }

        if (_rest is not null)
        {
            return _rest.TryDequeue(out item);
        }

        item = default;
        return false;
    }
}
