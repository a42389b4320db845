namespace Workflows;

/// <summary>One attempt of a step did not finish within its <see cref="StepAttribute.TimeoutMs"/>.</summary>
/// <remarks>The attempt counts as failed: it is retried while attempts remain
/// (<see cref="StepAttribute.MaxAttempts"/>), and fails the run after the last one.</remarks>
public sealed class StepTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a step attempt that timed out.</summary>
    /// <param name="stepName">The step's name.</param>
    /// <param name="timeout">The limit of one attempt.</param>
    /// <param name="attempt">Which attempt timed out, from 1.</param>
    public StepTimeoutException(string stepName, TimeSpan timeout, int attempt)
        : base($"Step '{stepName}' did not finish attempt {attempt} within {timeout.TotalMilliseconds:0} ms.")
    {
        StepName = stepName;
        Timeout = timeout;
        Attempt = attempt;
    }

    /// <summary>The step's name.</summary>
    public string StepName { get; }

    /// <summary>The limit of one attempt.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Which attempt timed out, from 1.</summary>
    public int Attempt { get; }
}
