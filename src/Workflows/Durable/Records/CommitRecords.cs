namespace Workflows.Durable;

/// <summary>How a delivery's execution ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>The step returned; its outputs are in the commit.</summary>
    Done,

    /// <summary>The step waits for an answer (WaitForAsync); it runs again when one arrives.</summary>
    Waiting,

    /// <summary>The step failed and is tried again at <see cref="DeliveryCommit.RetryAt"/>.</summary>
    Retry,

    /// <summary>The step failed after its last attempt.</summary>
    Failed,
}

/// <summary>A change of a run's state: the value as JSON, or a removal.</summary>
/// <param name="Key">The key.</param>
/// <param name="ExpectedVersion">The version the step read (0 when the key did not exist); the commit fails if it changed.</param>
/// <param name="Type">The value's type name, for diagnostics.</param>
/// <param name="Value">The value as JSON; <see langword="null"/> to remove the key.</param>
public sealed record StateWrite(string Key, long ExpectedVersion, string? Type, string? Value);

/// <summary>A state value a delivery read: the commit fails if another delivery changed it since.</summary>
/// <param name="Key">The key.</param>
/// <param name="Version">The version read (0 when the key did not exist).</param>
public sealed record StateRead(string Key, long Version);

/// <summary>A state value as stored.</summary>
/// <param name="Version">Its version, from 1; bumped on every write.</param>
/// <param name="Type">Its type name.</param>
/// <param name="Value">Its JSON.</param>
public sealed record StoredValue(long Version, string? Type, string Value);

/// <summary>Everything one delivery's execution changes, committed atomically.</summary>
public sealed record DeliveryCommit
{
    /// <summary>The delivery.</summary>
    public required long DeliveryId { get; init; }

    /// <summary>The worker that claimed it; the commit fails if another holds it now.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>How the execution ended.</summary>
    public required DeliveryOutcome Outcome { get; init; }

    /// <summary>The events recorded, in order, with the deliveries they make.</summary>
    public IReadOnlyList<NewEvent> Events { get; init; } = [];

    /// <summary>The state changes.</summary>
    public IReadOnlyList<StateWrite> StateWrites { get; init; } = [];

    /// <summary>The state values the step read and did not change: the commit fails if another delivery changed any of them since.</summary>
    public IReadOnlyList<StateRead> StateReads { get; init; } = [];

    /// <summary>For <see cref="DeliveryOutcome.Waiting"/>: the answer type's full name.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>For <see cref="DeliveryOutcome.Waiting"/> on a child run: the child to start, in the same transaction.</summary>
    public NewRun? ChildRun { get; init; }

    /// <summary>For <see cref="DeliveryOutcome.Waiting"/> with a deadline: when the step runs again without an answer.</summary>
    public DateTimeOffset? WaitUntil { get; init; }

    /// <summary>
    /// How many questions (InputRequiredEvents) the step asked: while a run has one unanswered, it
    /// waits for a person instead of counting as stalled. An event sent in from outside answers one.
    /// </summary>
    public int QuestionsAsked { get; init; }

    /// <summary>How many WaitForAsync prompts have been streamed for this delivery so far.</summary>
    public int PromptedWaits { get; init; }

    /// <summary>For <see cref="DeliveryOutcome.Retry"/>: when to try again.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>For failures: the error.</summary>
    public string? Error { get; init; }

    /// <summary>When the run ends with this commit.</summary>
    public RunCompletion? Completion { get; init; }

    /// <summary>Builds the failure the run ends with if the store finds it has nothing left to do (it stalled); called only then.</summary>
    public Func<RunFailure>? StallFailure { get; init; }

    /// <summary>Custom attributes the step set on its run (<c>ctx.SetTag</c>), added or replacing those of the same key.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>
    /// The step did not run for this delivery: a join kept the delivered item for later (other branches
    /// of its fan-out are still running), or refused it. The delivery ends with no executions counted.
    /// </summary>
    public bool NotExecuted { get; init; }

    /// <summary>
    /// When set, the committing worker asks to run the run's next step itself: if this commit gives
    /// the run exactly one new delivery, due now, through no queue, and the run has nothing else
    /// active, the store puts it under the worker's lease (this long) in the same transaction and
    /// returns it from <see cref="IWorkflowStore.CommitAndTakeNextAsync"/> — no claim needed, as a
    /// local queue hands its next message to the same process.
    /// </summary>
    public TimeSpan? NextLease { get; init; }
}

/// <summary>How a commit went and, when the worker asked for it, the run's next delivery it now holds.</summary>
/// <param name="Result">How the commit went.</param>
/// <param name="Next">The run's next delivery, under the committing worker's lease; <see langword="null"/> when none was handed over.</param>
public readonly record struct CommitOutcome(CommitResult Result, ClaimedDelivery? Next);

/// <summary>How a commit went.</summary>
public enum CommitResult
{
    /// <summary>Recorded.</summary>
    Committed,

    /// <summary>The worker's lease ended and another worker owns the delivery (or the run ended): nothing was recorded.</summary>
    LeaseLost,

    /// <summary>A state value the step read was changed by another delivery: nothing was recorded; run the step again.</summary>
    StateConflict,
}
