using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Engine;

// Fan-out and fan-in in step signatures: a step returning a list sends each item in a lineage of its own,
// and a join step runs once every branch of one fan-out has produced its item. Loop-owned, like routing.
internal abstract partial class InMemoryRun
{
    private long _fanOuts;
    private Dictionary<(int Step, long Batch), JoinBatch>? _joins;

    /// <summary>Routes each item of a fan-out in its own branch; an empty one gives the joins that close it an empty list.</summary>
    private void FanOut(IReadOnlyList<Event> items, int producer, Lineage? lineage)
    {
        if (items.Count == 0)
        {
            foreach (int join in _definition[producer].FanOutJoins)
            {
                Deliver(join, new EventList([]), lineage);
            }

            return;
        }

        if (RunRules.NullItem(items) is var hole and >= 0)
        {
            Fail(new InvalidOperationException(RunMessages.NullFanOutItem(_definition[producer].Name, WorkflowName, hole)));
            return;
        }

        Lineage[] branches = Lineage.Items(++_fanOuts, items.Count, producer, lineage);
        for (int i = 0; i < items.Count; i++)
        {
            _local.Enqueue(new PendingEvent(items[i], producer, branches[i]));
        }
    }

    /// <summary>An item reaches a join: kept in its fan-out's batch until the batch is complete, then the join runs with all of them.</summary>
    private void Arrive(int step, Event ev, int producer, Lineage? lineage)
    {
        if (lineage is null)
        {
            Fail(new InvalidOperationException(RunMessages.JoinOutsideFanOut(_definition[step].Name, ProducerName(producer), WorkflowName, ev.GetType())));
            return;
        }

        _joins ??= [];
        if (!_joins.TryGetValue((step, lineage.Batch), out JoinBatch? batch))
        {
            _joins[(step, lineage.Batch)] = batch = new JoinBatch(lineage.Size, lineage.Step);
        }

        switch (RunRules.Join(batch.Slots, ref batch.Filled, lineage.Index, ev))
        {
            case JoinArrival.Waiting:
                // As a durable run sees it: the last thing that happened was the join keeping an item, not a step returning nothing.
                _lastEmptyProducer = Producer.Start;
                break;
            case JoinArrival.Complete:
                _joins.Remove((step, lineage.Batch));
                Deliver(step, new EventList(batch.Slots!), RunRules.AfterJoin(lineage));
                break;
            case JoinArrival.Repeated:
                Fail(new InvalidOperationException(RunMessages.JoinRepeated(_definition[step].Name, _definition[lineage.Step].Name, WorkflowName, ev.GetType(), lineage.Index, lineage.Size)));
                break;
        }
    }

    /// <summary>The joins still waiting for branches, for the stalled message.</summary>
    private IEnumerable<OpenJoin> OpenJoins()
    {
        if (_joins is null)
        {
            yield break;
        }

        foreach (((int step, _), JoinBatch batch) in _joins)
        {
            yield return new OpenJoin(_definition[step].Name, _definition[batch.FanOutStep].Name, batch.Filled, batch.Slots.Length);
        }
    }

    /// <summary>The items a join has of one fan-out, in the fan-out's order.</summary>
    private sealed class JoinBatch(int size, int fanOutStep)
    {
        public readonly Event?[] Slots = new Event?[size];
        public readonly int FanOutStep = fanOutStep;
        public int Filled;
    }
}
