using System.Diagnostics.CodeAnalysis;

namespace Workflows;

/// <summary>
/// Values a run keeps between its steps, by key. Safe to use from steps running at the same time.
/// </summary>
/// <example>
/// <code>
/// ctx.Store.Set("attempts", ctx.Store.TryGet("attempts", out int n) ? n + 1 : 1);
/// </code>
/// </example>
public sealed class StateStore
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Durable.DurableState? _durable;

    /// <summary>Creates an empty store, as a run starts with; useful to test a step on its own.</summary>
    public StateStore()
    {
    }

    /// <summary>A durable run's state: stored values, and changes committed with the delivery.</summary>
    internal StateStore(Durable.DurableState durable) => _durable = durable;

    /// <summary>Gets the value stored under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type the value was stored as (or a base of it).</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">No value is stored under the key.</exception>
    /// <exception cref="InvalidCastException">The value stored is not a <typeparamref name="T"/>.</exception>
    public T Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!TryRead(key, typeof(T), out object? value))
        {
            throw new KeyNotFoundException($"The run's state has no value '{key}'. Set it first, or read it with TryGet.");
        }

        return Cast<T>(key, value);
    }

    /// <summary>Gets the value stored under <paramref name="key"/>, if there is one.</summary>
    /// <typeparam name="T">The type the value was stored as (or a base of it).</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when this returns <see langword="true"/>.</param>
    /// <returns>Whether a value is stored under the key.</returns>
    /// <exception cref="InvalidCastException">The value stored is not a <typeparamref name="T"/>.</exception>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!TryRead(key, typeof(T), out object? stored))
        {
            value = default;
            return false;
        }

        value = Cast<T>(key, stored);
        return true;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void Set<T>(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_durable is not null)
            {
                _durable.Set(key, value, typeof(T));
            }
            else
            {
                _values[key] = value;
            }
        }
    }

    /// <summary>Removes the value stored under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether a value was removed.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return _durable?.Remove(key) ?? _values.Remove(key);
        }
    }

    private bool TryRead(string key, Type type, out object? value)
    {
        lock (_lock)
        {
            return _durable is not null ? _durable.TryGet(key, type, out value) : _values.TryGetValue(key, out value);
        }
    }

    private static T Cast<T>(string key, object? value)
    {
        if (value is T typed)
        {
            return typed;
        }

        if (value is null && default(T) is null)
        {
            return default!;
        }

        throw new InvalidCastException(
            $"The run's state value '{key}' is {(value is null ? "null" : $"a {value.GetType().Name}")}, not a {typeof(T).Name}.");
    }
}
