namespace Workflows;

/// <summary>
/// What every <c>OneOf&lt;…&gt;</c> shares: the arm held and the event in it. The dispatcher reads
/// step results through it without boxing.
/// </summary>
public interface IOneOf
{
    /// <summary>Which arm is held, from 1; 0 for <see langword="default"/>, which holds nothing.</summary>
    int Index { get; }

    /// <summary>The event held.</summary>
    /// <exception cref="InvalidOperationException">The value is <see langword="default"/>.</exception>
    Event Value { get; }
}
