namespace Workflows.Durable;

/// <summary>
/// One fan-out an event descends from: which of its items the event is, or came from. Read from a stored
/// event's <see cref="StoredEvent.Lineage"/> with <see cref="Of"/>, for views of a run's journal.
/// </summary>
/// <param name="Batch">The fan-out, unique within its run (the id of the delivery that fanned out).</param>
/// <param name="Index">Which item, from 0.</param>
/// <param name="Size">How many items the fan-out made (0 for the one arrival of an empty fan-out).</param>
/// <param name="Step">The index of the step that fanned out, in the workflow's declaration order (<see cref="WorkflowGraph.Steps"/>).</param>
public readonly record struct FanOutItem(long Batch, int Index, int Size, int Step)
{
    /// <summary>The fan-outs <paramref name="stored"/> descends from, outermost first; empty outside any.</summary>
    /// <param name="stored">An event read back from a store.</param>
    /// <returns>The fan-outs.</returns>
    /// <exception cref="FormatException">The stored lineage is not one a store wrote.</exception>
    public static IReadOnlyList<FanOutItem> Of(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var items = new List<FanOutItem>();
        for (Rules.Lineage? frame = Rules.Lineage.Parse(stored.Lineage); frame is not null; frame = frame.Parent)
        {
            items.Add(new FanOutItem(frame.Batch, frame.Index, frame.Size, frame.Step));
        }

        items.Reverse();
        return items;
    }
}
