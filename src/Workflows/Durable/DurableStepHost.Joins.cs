using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Durable;

// Fan-in by lineage for a durable delivery: a join's batch is kept in the run's state, one key per join
// and fan-out, and changes with the delivery's commit (versioned, so two arrivals at once cannot both win).
internal sealed partial class DurableStepHost
{
    /// <summary>The state keys of joins: this prefix, then <c>{join step}:{fan-out step}:{batch}</c>.</summary>
    public const string JoinKeyPrefix = "$join:";

    private string? _completedJoin;

    /// <summary>
    /// Where the delivered event stands among fan-outs, and so what the step's outputs inherit; a join
    /// that completes moves it to where its fan-out's own event stood.
    /// </summary>
    public Lineage? Lineage { get; private set; }

    /// <summary>
    /// An item reaches join step <paramref name="step"/>: kept with the others of its fan-out, or, when it
    /// is the last, all of them (in the fan-out's order) for the step to run with. Throws when the item
    /// descends from no fan-out, or its branch already gave one.
    /// </summary>
    /// <returns>The items, or <see langword="null"/> while other branches have not produced theirs.</returns>
    public EventList? Join(WorkflowDefinition workflow, int step, Event item)
    {
        Lineage lineage = Lineage ?? throw new InvalidOperationException(
            RunMessages.JoinOutsideFanOut(workflow[step].Name, Producer(_claim.Event.Producer), workflow.Name, item.GetType()));
        if (lineage.Size == 0)
        {
            // What an empty fan-out gave this join: nothing to wait for.
            Lineage = RunRules.AfterJoin(lineage);
            return (EventList)item;
        }

        string key = $"{JoinKeyPrefix}{step}:{lineage.Step}:{lineage.Batch}";
        StoredAnswer?[] slots = Store.TryGet(key, out List<StoredAnswer?>? stored) && stored is not null ? [.. stored] : new StoredAnswer?[lineage.Size];
        int filled = slots.Count(static s => s is not null);
        switch (RunRules.Join(slots, ref filled, lineage.Index, new StoredAnswer(_claim.Event.Type, _claim.Event.Payload)))
        {
            case JoinArrival.Waiting:
                Store.Set(key, slots.ToList());
                return null;
            case JoinArrival.Repeated:
                throw new InvalidOperationException(RunMessages.JoinRepeated(workflow[step].Name, workflow[lineage.Step].Name, workflow.Name, item.GetType(), lineage.Index, lineage.Size));
        }

        Store.Remove(key);
        _completedJoin = key;
        Lineage = RunRules.AfterJoin(lineage);
        return new EventList([.. slots.Select(s => _serializer.Deserialize(s!.Type, s.Payload))]);
    }

    /// <summary>
    /// For a completed join whose step then failed for good and went to its handler: removes the batch,
    /// which that commit would otherwise leave behind (it records the handler's event, not the step's changes).
    /// </summary>
    public IEnumerable<StateWrite> CompletedJoinRemoval() =>
        _completedJoin is { } key ? _state.Writes().Where(w => w.Key == key) : [];

    /// <summary>The joins this delivery sees still waiting for branches, for the stalled message.</summary>
    public IEnumerable<OpenJoin> OpenJoins(WorkflowDefinition workflow)
    {
        foreach (string key in _state.Keys.Where(static k => k.StartsWith(JoinKeyPrefix, StringComparison.Ordinal)).ToList())
        {
            string[] parts = key[JoinKeyPrefix.Length..].Split(':');
            if (parts.Length == 3 && int.TryParse(parts[0], out int join) && int.TryParse(parts[1], out int fanOut) &&
                join < workflow.Steps.Count && fanOut < workflow.Steps.Count &&
                _state.TryPeek(key, typeof(List<StoredAnswer?>), out object? value) && value is List<StoredAnswer?> slots)
            {
                yield return new OpenJoin(workflow[join].Name, workflow[fanOut].Name, slots.Count(static s => s is not null), slots.Count);
            }
        }
    }

    private static string Producer(string? step) => step is null ? RunMessages.Caller : RunMessages.Step(step);
}
