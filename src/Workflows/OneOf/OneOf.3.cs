// Made by scripts/oneof/generate.cs from its template: edit the template, then run it again.
using System.Runtime.CompilerServices;

namespace Workflows;

/// <summary>
/// One of three event types: what a step returns when it produces exactly one of several events.
/// Convert from any arm implicitly; read it back with <see cref="Value"/> in a <see langword="switch"/>,
/// with <c>IsT1</c>/<c>AsT1</c>, <c>TryPickT1</c>, or <see cref="Match{TResult}"/>.
/// </summary>
/// <typeparam name="T1">Arm 1: an event type.</typeparam>
/// <typeparam name="T2">Arm 2: an event type.</typeparam>
/// <typeparam name="T3">Arm 3: an event type.</typeparam>
/// <example>
/// <code>
/// [Step]
/// private static OneOf&lt;Approved, Rejected&gt; Review(Drafted draft) =&gt;
///     draft.Words &gt; 10 ? new Approved(draft.Text) : new Rejected("too short");
/// </code>
/// </example>
public readonly struct OneOf<T1, T2, T3> : IOneOf, IEquatable<OneOf<T1, T2, T3>>
    where T1 : Event
    where T2 : Event
    where T3 : Event
{
    private readonly Event? _value;
    private readonly int _index;

    private OneOf(Event value, int index)
    {
        _value = value;
        _index = index;
    }

    /// <summary>Which arm is held, from 1 to 3; 0 for <see langword="default"/>, which holds nothing.</summary>
    public int Index => _index;

    /// <summary>The event held, typed as its common base, for pattern matching.</summary>
    /// <exception cref="InvalidOperationException">This value is <see langword="default"/> and holds no event.</exception>
    public Event Value => _value ?? throw OneOfErrors.Empty(typeof(OneOf<T1, T2, T3>));

    /// <summary>Whether arm 1 (<typeparamref name="T1"/>) is held.</summary>
    public bool IsT1 => _index == 1;

    /// <summary>Arm 1.</summary>
    /// <exception cref="InvalidOperationException">Another arm is held.</exception>
    public T1 AsT1 => _index == 1 ? Unsafe.As<T1>(_value!) : throw OneOfErrors.WrongArm(typeof(OneOf<T1, T2, T3>), 1, _index);

    /// <summary>Gets arm 1 if it is held.</summary>
    /// <param name="value">Arm 1 when this returns <see langword="true"/>.</param>
    /// <returns>Whether arm 1 is held.</returns>
    public bool TryPickT1([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T1? value)
    {
        value = _index == 1 ? Unsafe.As<T1>(_value!) : null;
        return value is not null;
    }

    /// <summary>Whether arm 2 (<typeparamref name="T2"/>) is held.</summary>
    public bool IsT2 => _index == 2;

    /// <summary>Arm 2.</summary>
    /// <exception cref="InvalidOperationException">Another arm is held.</exception>
    public T2 AsT2 => _index == 2 ? Unsafe.As<T2>(_value!) : throw OneOfErrors.WrongArm(typeof(OneOf<T1, T2, T3>), 2, _index);

    /// <summary>Gets arm 2 if it is held.</summary>
    /// <param name="value">Arm 2 when this returns <see langword="true"/>.</param>
    /// <returns>Whether arm 2 is held.</returns>
    public bool TryPickT2([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T2? value)
    {
        value = _index == 2 ? Unsafe.As<T2>(_value!) : null;
        return value is not null;
    }

    /// <summary>Whether arm 3 (<typeparamref name="T3"/>) is held.</summary>
    public bool IsT3 => _index == 3;

    /// <summary>Arm 3.</summary>
    /// <exception cref="InvalidOperationException">Another arm is held.</exception>
    public T3 AsT3 => _index == 3 ? Unsafe.As<T3>(_value!) : throw OneOfErrors.WrongArm(typeof(OneOf<T1, T2, T3>), 3, _index);

    /// <summary>Gets arm 3 if it is held.</summary>
    /// <param name="value">Arm 3 when this returns <see langword="true"/>.</param>
    /// <returns>Whether arm 3 is held.</returns>
    public bool TryPickT3([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T3? value)
    {
        value = _index == 3 ? Unsafe.As<T3>(_value!) : null;
        return value is not null;
    }

    /// <summary>Calls the function for the held arm and returns its result.</summary>
    /// <typeparam name="TResult">What the functions return.</typeparam>
    /// <param name="f1">Called when arm 1 is held.</param>
    /// <param name="f2">Called when arm 2 is held.</param>
    /// <param name="f3">Called when arm 3 is held.</param>
    /// <returns>The result of the function that was called.</returns>
    public TResult Match<TResult>(Func<T1, TResult> f1, Func<T2, TResult> f2, Func<T3, TResult> f3)
    {
        ArgumentNullException.ThrowIfNull(f1);
        ArgumentNullException.ThrowIfNull(f2);
        ArgumentNullException.ThrowIfNull(f3);
        return _index switch
        {
            1 => f1(Unsafe.As<T1>(_value!)),
            2 => f2(Unsafe.As<T2>(_value!)),
            3 => f3(Unsafe.As<T3>(_value!)),
            _ => throw OneOfErrors.Empty(typeof(OneOf<T1, T2, T3>)),
        };
    }

    /// <summary>Calls the action for the held arm.</summary>
    /// <param name="a1">Called when arm 1 is held.</param>
    /// <param name="a2">Called when arm 2 is held.</param>
    /// <param name="a3">Called when arm 3 is held.</param>
    public void Switch(Action<T1> a1, Action<T2> a2, Action<T3> a3)
    {
        ArgumentNullException.ThrowIfNull(a1);
        ArgumentNullException.ThrowIfNull(a2);
        ArgumentNullException.ThrowIfNull(a3);
        switch (_index)
        {
            case 1: a1(Unsafe.As<T1>(_value!)); break;
            case 2: a2(Unsafe.As<T2>(_value!)); break;
            case 3: a3(Unsafe.As<T3>(_value!)); break;
            default: throw OneOfErrors.Empty(typeof(OneOf<T1, T2, T3>));
        }
    }

    /// <summary>Holds <paramref name="value"/> as arm 1.</summary>
    /// <param name="value">The event; not <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static implicit operator OneOf<T1, T2, T3>(T1 value) =>
        new(value ?? throw OneOfErrors.NullArm(typeof(OneOf<T1, T2, T3>), 1, nameof(value)), 1);

    /// <summary>Holds <paramref name="value"/> as arm 2.</summary>
    /// <param name="value">The event; not <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static implicit operator OneOf<T1, T2, T3>(T2 value) =>
        new(value ?? throw OneOfErrors.NullArm(typeof(OneOf<T1, T2, T3>), 2, nameof(value)), 2);

    /// <summary>Holds <paramref name="value"/> as arm 3.</summary>
    /// <param name="value">The event; not <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static implicit operator OneOf<T1, T2, T3>(T3 value) =>
        new(value ?? throw OneOfErrors.NullArm(typeof(OneOf<T1, T2, T3>), 3, nameof(value)), 3);

    /// <inheritdoc/>
    public bool Equals(OneOf<T1, T2, T3> other) => _index == other._index && Equals(_value, other._value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is OneOf<T1, T2, T3> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_index, _value);

    /// <summary>The held event's text, or <c>(empty)</c>.</summary>
    /// <returns>A text for diagnostics.</returns>
    public override string ToString() => _value?.ToString() ?? "(empty)";

    /// <summary>Whether both hold the same arm and equal events.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(OneOf<T1, T2, T3> left, OneOf<T1, T2, T3> right) => left.Equals(right);

    /// <summary>Whether the two differ in arm or event.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(OneOf<T1, T2, T3> left, OneOf<T1, T2, T3> right) => !left.Equals(right);
}
