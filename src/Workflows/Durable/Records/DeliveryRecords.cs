namespace Workflows.Durable;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting to be claimed (maybe not before its due time).</summary>
    Pending,

    /// <summary>Claimed by a worker under a lease.</summary>
    Claimed,

    /// <summary>Its step waits for a human's answer (WaitForAsync).</summary>
    Waiting,

    /// <summary>Committed: its outputs are recorded.</summary>
    Done,

    /// <summary>Its step failed after its last attempt.</summary>
    Failed,

    /// <summary>Its run ended first.</summary>
    Cancelled,
}

/// <summary>A delivery, for diagnostics and tests.</summary>
/// <param name="Id">Its id.</param>
/// <param name="RunId">The run.</param>
/// <param name="Step">The step's index.</param>
/// <param name="StepName">The step's name.</param>
/// <param name="EventId">The event delivered.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Attempt">The attempt it is at, from 1.</param>
/// <param name="Executions">How many times a worker started executing it (retries and re-runs after a crash included); 0 for an item a join only kept or refused (its step did not run for it).</param>
/// <param name="Worker">The worker whose execution was committed, once done.</param>
/// <param name="WaitingFor">For a waiting delivery: the full name of the answer type its step waits for.</param>
/// <param name="Error">The last error of its step, if an attempt failed.</param>
public sealed record DeliveryRecord(long Id, string RunId, int Step, string StepName, long EventId, DeliveryStatus Status, int Attempt, int Executions, string? Worker, string? WaitingFor = null, string? Error = null);

/// <summary>An answer recorded for a step waiting in WaitForAsync.</summary>
/// <param name="Type">The answer's type.</param>
/// <param name="Payload">Its JSON.</param>
public sealed record StoredAnswer(string Type, string Payload)
{
    /// <summary>Who sent the answer, as its journal entry names them: the step reads it as <see cref="HumanResponseEvent.AnsweredBy"/>.</summary>
    public string? SentBy { get; init; }

    /// <summary>The <see cref="Type"/> of the answer recorded when a wait with a deadline passed it unanswered.</summary>
    public const string NoAnswer = "$no-answer";

    /// <summary>The <see cref="Type"/> of the answer recorded when a child run ended without completing; the payload is a <see cref="ChildRunEnded"/>.</summary>
    public const string ChildEnded = "$child-ended";

    /// <summary>What a step waiting for a child run waits for: this prefix, then the child's run id.</summary>
    public const string ChildPrefix = "$run:";
}

/// <summary>How a child run ended without completing, as its parent's waiting step is told.</summary>
/// <param name="RunId">The child run.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Failure">Its failure, if one was recorded.</param>
/// <param name="TimeLimitMilliseconds">For a child that timed out: the time it was given.</param>
public sealed record ChildRunEnded(string RunId, string Workflow, WorkflowRunStatus Status, RunFailure? Failure, long? TimeLimitMilliseconds);

/// <summary>A delivery claimed by a worker: everything needed to run the step.</summary>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="Run">The run.</param>
/// <param name="Step">The step's index.</param>
/// <param name="Attempt">Which attempt this is.</param>
/// <param name="Event">The event to deliver.</param>
/// <param name="Answers">Answers recorded for the step's WaitForAsync calls, in order.</param>
/// <param name="PromptedWaits">How many of its WaitForAsync prompts were already streamed.</param>
public sealed record ClaimedDelivery(long DeliveryId, RunRecord Run, int Step, int Attempt, StoredEvent Event, IReadOnlyList<StoredAnswer> Answers, int PromptedWaits)
{
    /// <summary>When it became due: the time from then to its claim is its queue wait.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <summary>
    /// The run's state as the claim found it, read in the claim's transaction so running the step
    /// costs no read of its own; <see langword="null"/> when the store did not read it (the runtime
    /// then reads it with <see cref="IWorkflowStore.ReadStateAsync"/>). The commit checks the versions
    /// either way.
    /// </summary>
    public IReadOnlyDictionary<string, StoredValue>? State { get; init; }

    /// <summary>
    /// The results the step's <c>ctx.OnceAsync</c> calls recorded on earlier executions of this
    /// delivery, by key (the type is the result's type name, the payload its JSON); <see langword="null"/> when none.
    /// </summary>
    public IReadOnlyDictionary<string, StoredAnswer>? Recorded { get; init; }
}

/// <summary>A result of <c>ctx.OnceAsync</c> to record for a claimed delivery, while its step runs.</summary>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="WorkerId">The worker that must still hold its lease.</param>
/// <param name="RunId">The run.</param>
/// <param name="Step">The step's name, the journal entry's producer.</param>
/// <param name="Key">The key the step gave.</param>
/// <param name="Type">The result's type name.</param>
/// <param name="Payload">The result as JSON.</param>
public sealed record RecordedResult(long DeliveryId, string WorkerId, string RunId, string Step, string Key, string Type, string Payload);

/// <summary>What a worker asks the store for.</summary>
/// <param name="WorkerId">The worker, owner of the lease.</param>
/// <param name="Fingerprints">The workflows (name → fingerprint) this worker can run; other runs are left alone.</param>
/// <param name="Now">The current time.</param>
/// <param name="Lease">How long the claim holds before another worker may take it over.</param>
/// <param name="Max">How many deliveries to claim at most.</param>
public sealed record ClaimRequest(string WorkerId, IReadOnlyDictionary<string, string> Fingerprints, DateTimeOffset Now, TimeSpan Lease, int Max = 1)
{
    /// <summary>
    /// How a run past its deadline fails: before claiming, the store ends such runs
    /// <see cref="WorkflowRunStatus.TimedOut"/> with this failure. <see langword="null"/>: it does not look.
    /// </summary>
    public Func<RunRecord, RunFailure>? DeadlineFailure { get; init; }

    /// <summary>
    /// How a child run whose parent has ended is cancelled: before claiming, the store ends such runs
    /// <see cref="WorkflowRunStatus.Cancelled"/> with this failure. <see langword="null"/>: it does not look.
    /// </summary>
    public Func<RunRecord, RunFailure>? OrphanFailure { get; init; }

    /// <summary>
    /// Earlier fingerprints of a workflow (name → fingerprints) whose stored runs this worker can also
    /// run: their shape differs from this build's only in ways stored runs read fine (steps, events or
    /// members added). Empty: only runs of <see cref="Fingerprints"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CompatibleFingerprints { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The limits of named queues: a delivery in a queue is claimed only within them.</summary>
    public IReadOnlyDictionary<string, QueueLimits> Queues { get; init; } = new Dictionary<string, QueueLimits>();

    /// <summary>
    /// How many top-level runs of a workflow may be in progress at once: a <see cref="WorkflowRunStatus.Queued"/>
    /// run starts only while fewer are. A queued run of a workflow not named here starts at once.
    /// </summary>
    public IReadOnlyDictionary<string, int> RunLimits { get; init; } = new Dictionary<string, int>();
}

/// <summary>The claimed deliveries, or when the next delivery falls due if none can be claimed now.</summary>
/// <param name="Deliveries">The claimed deliveries, oldest due first (none when nothing is due).</param>
/// <param name="NextDueAt">When nothing is claimable: when the soonest pending delivery falls due.</param>
public sealed record ClaimResult(IReadOnlyList<ClaimedDelivery> Deliveries, DateTimeOffset? NextDueAt)
{
    /// <summary>The runs this claim ended: past their deadline, or children of a run that ended.</summary>
    public IReadOnlyList<RunRecord> Ended { get; init; } = [];
}
