namespace Workflows.Durable;

/// <summary>How a <see cref="WorkflowRuntime"/> runs durable workflows.</summary>
public sealed class WorkflowRuntimeOptions
{
    /// <summary>This runtime's name in leases; unique per process. Default: machine name, process id and a random suffix.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How many deliveries this runtime executes at once. Default: 4 × processors.</summary>
    public int MaxConcurrentDeliveries { get; set; } = Environment.ProcessorCount * 4;

    /// <summary>
    /// How long a claim holds without renewal before another worker may take the delivery over. Default
    /// 4 s: while a step runs its lease is renewed once a third of it has passed (the worker looks every
    /// sixth, and renews all that are due in one batch of small writes), so a live worker keeps its steps,
    /// and the deliveries of a worker that died (killed, its machine gone) run elsewhere within this
    /// time — idle workers look again when the soonest lease runs out. Raise it when a process may stall
    /// longer than half of it (long GC pauses, a store that answers slowly). Must be positive.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The longest an idle worker waits before looking for work again without a notification. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock for timers, retry delays and leases. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Whether <see cref="WorkflowRuntime.StartAsync"/> refuses to start when stored unfinished runs
    /// were started under a shape of their workflow that no registered version can resume (default
    /// <see langword="true"/>). When <see langword="false"/>, such runs are left alone and reported
    /// only when touched. Runs stored under an earlier shape a registered version reads fine are
    /// resumed either way.
    /// </summary>
    public bool FailOnIncompatibleRuns { get; set; } = true;

    /// <summary>
    /// Where the runtime logs the runs its workers move along and every failure it handles (claims,
    /// commits, releases, lease renewals, the store being down), under <c>Workflows.Durable</c>.
    /// <see langword="null"/> (the default) logs nothing; <c>Workflows.Hosting</c> sets the host's.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Sees the durable runs this process starts, moves along and ends (see <see cref="Diagnostics.DurableObserver"/>);
    /// <see langword="null"/> (the default) costs nothing.
    /// </summary>
    public Diagnostics.DurableObserver? Observer { get; set; }

    /// <summary>
    /// How long finished runs are kept: when set, the runtime deletes runs that ended longer ago than
    /// this (with their journal, deliveries, state and tags) in the background, a batch at a time, while
    /// its workers run. <see langword="null"/> (the default) keeps every run; see <see cref="WorkflowRuntime.PurgeAsync(PurgeQuery, CancellationToken)"/>.
    /// </summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>
    /// The named queues steps use (<see cref="StepAttribute.Queue"/>) and their limits. Every queue a
    /// registered step names must be here: <see cref="WorkflowRuntime.StartAsync"/> refuses otherwise.
    /// Give every process sharing the store the same queues.
    /// </summary>
    public IDictionary<string, QueueOptions> Queues { get; } = new Dictionary<string, QueueOptions>(StringComparer.Ordinal);

    /// <summary>
    /// How many runs of a workflow (by its name) may be in progress at once across all workers sharing
    /// the store — running, waiting for input or suspended. A run started beyond the limit is
    /// <see cref="WorkflowRunStatus.Queued"/> until a run of the workflow ends, then starts (higher
    /// <see cref="DurableRunOptions.Priority"/> first, then oldest); its <see cref="DurableRunOptions.Timeout"/>
    /// counts from when it starts. Child runs belong to their parent: they neither wait nor count.
    /// Give every process sharing the store the same limits: the process that starts a run decides
    /// whether it queues, and the worker that claims it applies the limit.
    /// </summary>
    /// <example><c>options.MaxConcurrentRuns["Onboarding"] = 5;</c></example>
    public IDictionary<string, int> MaxConcurrentRuns { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Whether this runtime executes deliveries. A runtime that only starts runs, answers and reads them (a web front end, say) sets <see langword="false"/>.</summary>
    public bool RunWorkers { get; set; } = true;
}

/// <summary>Options of one durable run.</summary>
public sealed class DurableRunOptions
{
    /// <summary>The run's id; a new unique one when <see langword="null"/>. Starting a run with an id that exists for the same workflow returns that run.</summary>
    public string? RunId { get; set; }

    /// <summary>Starting twice with the same key (for the same workflow) returns the first run instead of starting another.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>
    /// How long the whole run may take; <see langword="null"/> (the default) means no limit. When it
    /// passes — measured by the store's clock, kept with the run, so a restart or another worker keeps
    /// it — the run ends <see cref="WorkflowRunStatus.TimedOut"/>, its steps in flight are cancelled, its
    /// child runs end with it, and <see cref="WorkflowRuntime.WaitForResultAsync{TStop}"/> throws
    /// <see cref="WorkflowTimeoutException"/>.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Custom attributes of the run (a customer id, an order number, a region), stored with it and
    /// indexed: <see cref="RunQuery.Tags"/> finds the runs that carry them. Keys and values are at most
    /// 200 characters; a key is not empty. A step adds more with <c>ctx.SetTag</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Tags { get; set; }

    /// <summary>Which of the deliveries waiting in a queue go first: higher first; default 0. Runs of equal priority go oldest due first.</summary>
    public int Priority { get; set; }

    /// <summary>The run's partition in queues with <see cref="QueueOptions.Partitioned"/> limits (a customer or tenant id, say).</summary>
    public string? PartitionKey { get; set; }

    /// <summary>
    /// A readable title for people (<c>"Invoice 1042 for Acme"</c>): run lists show it, and
    /// <see cref="RunQuery.Search"/> finds runs by it. At most 200 characters, no control characters.
    /// </summary>
    public string? Title { get; set; }
}
