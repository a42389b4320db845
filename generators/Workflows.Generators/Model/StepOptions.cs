namespace Workflows.Generators.Model;

/// <summary>The values of a step's <c>[Step(...)]</c> attribute.</summary>
internal sealed record StepOptions(int Workers, int MaxAttempts, int RetryDelayMs, int Backoff, int TimeoutMs, string? Queue = null)
{
    public static readonly StepOptions Default = new(Workers: 1, MaxAttempts: 1, RetryDelayMs: 0, Backoff: 0, TimeoutMs: 0);
}
