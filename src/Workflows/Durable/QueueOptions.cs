namespace Workflows.Durable;

/// <summary>
/// The limits of a named queue (<see cref="StepAttribute.Queue"/>), enforced in the store when
/// deliveries are claimed, so that every worker sharing the store together keeps them.
/// </summary>
/// <example>
/// <code>
/// options.Queues["llm"] = new QueueOptions { Concurrency = 4, RateLimit = 60, RatePeriod = TimeSpan.FromMinutes(1) };
/// options.Queues["billing"] = new QueueOptions { Concurrency = 1, Partitioned = true };   // one at a time per customer
/// </code>
/// </example>
public sealed class QueueOptions
{
    /// <summary>How many of the queue's deliveries run at once across all workers; <see langword="null"/> for no limit.</summary>
    public int? Concurrency { get; set; }

    /// <summary>How many of the queue's deliveries one runtime (worker) runs at once; <see langword="null"/> for no limit.</summary>
    public int? WorkerConcurrency { get; set; }

    /// <summary>How many of the queue's deliveries may start per <see cref="RatePeriod"/>, across all workers; <see langword="null"/> for no limit.</summary>
    public int? RateLimit { get; set; }

    /// <summary>The period of <see cref="RateLimit"/>. Default one second.</summary>
    public TimeSpan RatePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether the limits apply per partition key (<see cref="DurableRunOptions.PartitionKey"/>, a customer
    /// or tenant, say) instead of to the queue as a whole. Runs without a key share one partition.
    /// </summary>
    public bool Partitioned { get; set; }

    /// <summary>The limits as the store applies them; an <see cref="ArgumentException"/> names a bad value.</summary>
    internal QueueLimits Limits(string name)
    {
        Positive(Concurrency, name, nameof(Concurrency));
        Positive(WorkerConcurrency, name, nameof(WorkerConcurrency));
        Positive(RateLimit, name, nameof(RateLimit));
        if (RatePeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Queue '{name}': RatePeriod must be positive; it is {RatePeriod}.");
        }

        return new QueueLimits(Concurrency, WorkerConcurrency, RateLimit, RatePeriod, Partitioned);
    }

    private static void Positive(int? value, string queue, string option)
    {
        if (value is < 1)
        {
            throw new ArgumentException($"Queue '{queue}': {option} must be at least 1 (or null for no limit); it is {value}.");
        }
    }
}

/// <summary>A queue's limits, as a claim applies them.</summary>
/// <param name="Concurrency">Across all workers.</param>
/// <param name="WorkerConcurrency">Per worker.</param>
/// <param name="RateLimit">Starts per period.</param>
/// <param name="RatePeriod">The period.</param>
/// <param name="Partitioned">Whether the limits are per partition key.</param>
public sealed record QueueLimits(int? Concurrency, int? WorkerConcurrency, int? RateLimit, TimeSpan RatePeriod, bool Partitioned);
