namespace Workflows.Durable;

/// <summary>
/// A durable run's state as one delivery sees it: the stored values, read on demand as the type
/// asked for, and the changes the step makes, committed with its delivery (or dropped with it).
/// </summary>
internal sealed class DurableState(IReadOnlyDictionary<string, StoredValue> stored, DurableSerializer serializer)
{
    private readonly Dictionary<string, Change> _changes = new(StringComparer.Ordinal);

    /// <summary>
    /// The stored values after a commit of <paramref name="writes"/> to <paramref name="stored"/>, versions as the
    /// store gives them: what the run's next step, handed over with the commit, starts from without a read.
    /// Values another delivery changed meanwhile are stale here, and the next commit's version checks catch them.
    /// </summary>
    public static IReadOnlyDictionary<string, StoredValue> After(IReadOnlyDictionary<string, StoredValue> stored, IReadOnlyList<StateWrite> writes)
    {
        if (writes.Count == 0)
        {
            return stored;
        }

        var after = new Dictionary<string, StoredValue>(stored, StringComparer.Ordinal);
        foreach (StateWrite write in writes)
        {
            if (write.Value is null)
            {
                after.Remove(write.Key);
            }
            else
            {
                after[write.Key] = new StoredValue(write.ExpectedVersion + 1, write.Type, write.Value);
            }
        }

        return after;
    }
    private readonly Dictionary<string, object?> _reads = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absent = new(StringComparer.Ordinal);

    public bool TryGet(string key, Type type, out object? value)
    {
        if (_changes.TryGetValue(key, out Change? change))
        {
            value = change.Value;
            return !change.Removed;
        }

        if (_reads.TryGetValue(key, out value))
        {
            return true;
        }

        if (stored.TryGetValue(key, out StoredValue? raw))
        {
            value = serializer.DeserializeValue(raw.Value, type);
            _reads[key] = value;
            return true;
        }

        _absent.Add(key);
        value = null;
        return false;
    }

    /// <summary>A value as the delivery sees it, without counting as a read of the step (for the engine's own messages).</summary>
    public bool TryPeek(string key, Type type, out object? value)
    {
        if (_changes.TryGetValue(key, out Change? change))
        {
            value = change.Value;
            return !change.Removed;
        }

        if (stored.TryGetValue(key, out StoredValue? raw))
        {
            value = serializer.DeserializeValue(raw.Value, type);
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Every key the delivery sees: stored ones and those it set.</summary>
    public IEnumerable<string> Keys => stored.Keys.Union(_changes.Keys, StringComparer.Ordinal);

    public void Set(string key, object? value, Type type) => _changes[key] = new Change(value, type, Removed: false);

    public bool Remove(string key)
    {
        bool existed = TryGet(key, typeof(object), out _);
        _changes[key] = new Change(null, typeof(object), Removed: true);
        return existed;
    }

    /// <summary>
    /// The values the delivery read and did not change, at the versions it read them (0 for a key it
    /// found missing): a concurrent change to any of them makes the commit a conflict, so a step that
    /// reads A and writes B never acts on an A that is no longer there.
    /// </summary>
    public IReadOnlyList<StateRead> Reads()
    {
        var reads = new List<StateRead>(_reads.Count + _absent.Count);
        foreach (string key in _reads.Keys.Concat(_absent))
        {
            if (!_changes.ContainsKey(key))
            {
                reads.Add(new StateRead(key, stored.TryGetValue(key, out StoredValue? raw) ? raw.Version : 0));
            }
        }

        return reads;
    }

    /// <summary>One value written on its own, guarded by the version the delivery started from (the engine's own keys).</summary>
    public StateWrite WriteOf(string key, object value, Type type)
    {
        long version = stored.TryGetValue(key, out StoredValue? raw) ? raw.Version : 0;
        return new StateWrite(key, version, type.FullName, serializer.SerializeValue(value, type));
    }

    /// <summary>The changes, each guarded by the version the delivery started from.</summary>
    public IReadOnlyList<StateWrite> Writes()
    {
        var writes = new List<StateWrite>(_changes.Count);
        foreach ((string key, Change change) in _changes)
        {
            long version = stored.TryGetValue(key, out StoredValue? raw) ? raw.Version : 0;
            writes.Add(change.Removed
                ? new StateWrite(key, version, null, null)
                : new StateWrite(key, version, change.Type.FullName, serializer.SerializeValue(change.Value, change.Type)));
        }

        return writes;
    }

    private sealed record Change(object? Value, Type Type, bool Removed);
}
