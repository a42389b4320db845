namespace Workflows;

/// <summary>How the delay between a failing step's attempts grows.</summary>
public enum Backoff
{
    /// <summary>Every retry waits <see cref="StepAttribute.RetryDelayMs"/>.</summary>
    Fixed,

    /// <summary>The n-th retry waits <see cref="StepAttribute.RetryDelayMs"/> × 2^(n-1).</summary>
    Exponential,
}
