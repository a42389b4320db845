using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// How the engine runs one step: its name and the options of its <see cref="StepAttribute"/>.
/// Emitted by the source generator; not meant to be written by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StepDefinition
{
    /// <summary>Creates a step definition; the values are those of the step's <see cref="StepAttribute"/>.</summary>
    /// <param name="name">The step method's name.</param>
    /// <param name="workers">Most concurrent invocations in one run; at least 1.</param>
    /// <param name="maxAttempts">Total attempts; at least 1.</param>
    /// <param name="retryDelayMs">Delay before the second attempt; not negative.</param>
    /// <param name="backoff">How later delays grow.</param>
    /// <param name="timeoutMs">Limit of one attempt; 0 for none; not negative.</param>
    /// <param name="acceptsCancellation">Whether the step method takes a <see cref="CancellationToken"/>.</param>
    /// <param name="errorHandler">The index of the step whose <see cref="CatchErrorsAttribute"/> covers this one; -1 for none.</param>
    /// <param name="maxRecoveries">For an error handler: how many failures it turns into events per run.</param>
    /// <param name="queue">The named queue its durable deliveries go through, or <see langword="null"/>.</param>
    public StepDefinition(string name, int workers = 1, int maxAttempts = 1, int retryDelayMs = 0, Backoff backoff = Backoff.Fixed, int timeoutMs = 0, bool acceptsCancellation = false, int errorHandler = -1, int maxRecoveries = 0, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Require(workers >= 1, name, nameof(StepAttribute.Workers), workers, "at least 1");
        Require(maxAttempts >= 1, name, nameof(StepAttribute.MaxAttempts), maxAttempts, "at least 1");
        Require(retryDelayMs >= 0, name, nameof(StepAttribute.RetryDelayMs), retryDelayMs, "0 or more");
        Require(timeoutMs >= 0, name, nameof(StepAttribute.TimeoutMs), timeoutMs, "0 or more");
        Name = name;
        Workers = workers;
        MaxAttempts = maxAttempts;
        RetryDelay = TimeSpan.FromMilliseconds(retryDelayMs);
        Backoff = backoff;
        Timeout = timeoutMs == 0 ? null : TimeSpan.FromMilliseconds(timeoutMs);
        AcceptsCancellation = acceptsCancellation;
        ErrorHandler = errorHandler;
        MaxRecoveries = maxRecoveries;
        Queue = queue;
    }

    /// <summary>The step method's name.</summary>
    public string Name { get; }

    /// <summary>Most concurrent invocations in one run.</summary>
    public int Workers { get; }

    /// <summary>Total attempts.</summary>
    public int MaxAttempts { get; }

    /// <summary>Delay before the second attempt.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>How later delays grow.</summary>
    public Backoff Backoff { get; }

    /// <summary>Limit of one attempt, or <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Whether the step method takes a <see cref="CancellationToken"/>.</summary>
    public bool AcceptsCancellation { get; }

    /// <summary>The index of the step that handles this one's final failure, or -1.</summary>
    public int ErrorHandler { get; }

    /// <summary>For an error handler: how many failures it turns into events per run.</summary>
    public int MaxRecoveries { get; }

    /// <summary>The named queue its durable deliveries go through (<see cref="StepAttribute.Queue"/>), or <see langword="null"/>.</summary>
    public string? Queue { get; }

    /// <summary>
    /// Whether the step is a join: it takes <c>IReadOnlyList&lt;T&gt;</c>, and runs once with the items
    /// that descend from one fan-out, when every branch has produced its item.
    /// </summary>
    public bool JoinsItems { get; init; }

    /// <summary>
    /// For a step that fans out (returns a list): the joins that close its fan-outs, found by the
    /// generator in the graph. When the step returns an empty list, each of them runs with an empty list.
    /// </summary>
    public IReadOnlyList<int> FanOutJoins { get; init; } = [];

    /// <summary>
    /// Whether the step, in a workflow that fans out, sends events of its own (<c>[Emits]</c>, for
    /// <c>ctx.Send</c> and <c>ctx.SendAt</c>): an in-memory run then keeps the step's branch for what it
    /// sends after an <c>await</c>. Steps that send nothing skip that bookkeeping.
    /// </summary>
    public bool SendsEvents { get; init; }

    /// <summary>The delay after failed attempt <paramref name="failedAttempt"/> (from 1).</summary>
    /// <param name="failedAttempt">The attempt that just failed.</param>
    /// <returns>How long to wait before the next attempt.</returns>
    public TimeSpan DelayAfter(int failedAttempt)
    {
        if (Backoff == Backoff.Fixed || failedAttempt <= 1)
        {
            return RetryDelay;
        }

        // Doubling past 2^20 × the base delay is never what anyone meant; cap it there.
        double factor = Math.Pow(2, Math.Min(failedAttempt - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(RetryDelay.TotalMilliseconds * factor, int.MaxValue));
    }

    private static void Require(bool valid, string step, string option, int value, string rule)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(option, value, $"[Step({option} = {value})] on step '{step}' is invalid: {option} must be {rule}.");
        }
    }
}
