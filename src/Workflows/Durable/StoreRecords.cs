namespace Workflows.Durable;

/// <summary>Why an event is in a run's journal.</summary>
public enum EventRecordKind
{
    /// <summary>The StartEvent.</summary>
    Start,

    /// <summary>Produced by a step (returned or sent) and routed to steps.</summary>
    Routed,

    /// <summary>Written to the run's stream (WriteToStream, InputRequiredEvents, the StopEvent).</summary>
    Streamed,

    /// <summary>Sent into the run from outside.</summary>
    External,

    /// <summary>Sent by a step with SendAfter/SendAt; routed when due.</summary>
    Timer,

    /// <summary>
    /// An operator's control of the run (suspended, resumed, retried, cancelled): its type is one of
    /// <see cref="RunControlEntry"/>'s names, its payload a <see cref="RunControlEntry"/> as JSON.
    /// </summary>
    Control,

    /// <summary>
    /// The result of a step's <c>ctx.OnceAsync</c>, recorded when the work finished so a re-run of the
    /// step gets it back instead of doing the work again: its type is the key the step gave, its
    /// payload the result as JSON, its producer the step.
    /// </summary>
    Recorded,

    /// <summary>
    /// Never stored: an event a running step wrote with <c>ctx.WriteLive</c>, as
    /// <c>WorkflowRuntime.FollowLiveAsync</c> hands it to followers in the process that ran the step
    /// (its id and sequence are 0).
    /// </summary>
    Live,

    /// <summary>
    /// A change of a task (a question a person answers): its type is one of <see cref="TaskHistoryEntry"/>'s
    /// names, its payload a <see cref="TaskHistoryEntry"/> as JSON.
    /// </summary>
    Task,
}

/// <summary>A stored event: its journal position, its type discriminator and its JSON.</summary>
/// <param name="Id">Its id in the store.</param>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">Its position in the run's journal, from 1, without gaps.</param>
/// <param name="Kind">Why it is there.</param>
/// <param name="Type">The event type's full name (the discriminator).</param>
/// <param name="Payload">The event as JSON.</param>
/// <param name="Producer">The step that produced it, if one did.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record StoredEvent(long Id, string RunId, long Sequence, EventRecordKind Kind, string Type, string Payload, string? Producer, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Where it stands among fan-outs, as recorded with it (<see cref="NewEvent.Lineage"/>): the fan-outs it descends from, innermost last,
    /// each as <c>batch.index.size.step</c> separated by <c>/</c>; <see langword="null"/> outside any fan-out. Returned with claimed deliveries and by reads of a run's events.
    /// </summary>
    public string? Lineage { get; init; }
}

/// <summary>A run as stored.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Fingerprint">The workflow's fingerprint when the run started.</param>
/// <param name="Shape">The workflow's shape when the run started.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="IdempotencyKey">The key it was started with, if any.</param>
/// <param name="ResultType">The StopEvent's type, once completed.</param>
/// <param name="ResultPayload">The StopEvent as JSON, once completed.</param>
/// <param name="Error">Why it failed, was cancelled or stalled.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Failure">What ended it, when it did not complete: the error as a run in memory would throw it.</param>
/// <param name="ParentRunId">The run whose step started it with <c>ctx.RunAsync</c>, for a child run.</param>
/// <param name="Deadline">When it times out, if it was started with <see cref="DurableRunOptions.Timeout"/>.</param>
/// <param name="TraceParent">The W3C trace context its spans belong to: one trace per run, whichever process runs its steps.</param>
public sealed record RunRecord(
    string RunId,
    string Workflow,
    string Fingerprint,
    string Shape,
    WorkflowRunStatus Status,
    string? IdempotencyKey,
    string? ResultType,
    string? ResultPayload,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    RunFailure? Failure = null,
    string? ParentRunId = null,
    DateTimeOffset? Deadline = null,
    string? TraceParent = null)
{
    /// <summary>How long the run was given, if it was started with <see cref="DurableRunOptions.Timeout"/>.</summary>
    public TimeSpan? TimeLimit => Deadline - CreatedAt;

    /// <summary>Its custom attributes (<see cref="DurableRunOptions.Tags"/>, and those its steps added with <c>ctx.SetTag</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyTags;

    /// <summary>Its title for people (<see cref="DurableRunOptions.Title"/>), if it was given one.</summary>
    public string? Title { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyTags = new Dictionary<string, string>();

    /// <summary>Whether the run has ended (completed, failed, cancelled or timed out).</summary>
    public bool IsFinished => Status is WorkflowRunStatus.Completed or WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled or WorkflowRunStatus.TimedOut;
}

/// <summary>A new run to store, with its StartEvent and the deliveries of it.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Fingerprint">The workflow's fingerprint.</param>
/// <param name="Shape">The workflow's shape.</param>
/// <param name="IdempotencyKey">Starting twice with the same key (for the same workflow) returns the first run.</param>
/// <param name="Start">The StartEvent and the steps it goes to.</param>
public sealed record NewRun(string RunId, string Workflow, string Fingerprint, string Shape, string? IdempotencyKey, NewEvent Start)
{
    /// <summary>For a child run: the run whose step started it.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>For a child run: the parent's delivery that waits for its result.</summary>
    public long? ParentDeliveryId { get; init; }

    /// <summary>The W3C trace context the run's spans belong to (the caller's when it started), if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>How long the run may take; it ends <see cref="WorkflowRunStatus.TimedOut"/> when that passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Its custom attributes, indexed for <see cref="RunQuery.Tags"/>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Which of its deliveries go first among those waiting: higher first.</summary>
    public int Priority { get; init; }

    /// <summary>Its partition in partitioned queues.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Its title for people, searched by <see cref="RunQuery.Search"/>.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// Whether it starts <see cref="WorkflowRunStatus.Queued"/>: its workflow has a limit of runs in progress,
    /// and a claim starts it when there is a slot (its timeout counts from then).
    /// </summary>
    public bool Queued { get; init; }
}

/// <summary>An event to append to a run's journal, and the deliveries it makes.</summary>
/// <param name="Kind">Why it is recorded.</param>
/// <param name="Type">Its type's full name.</param>
/// <param name="Payload">Its JSON.</param>
/// <param name="Producer">The step that produced it, if one did.</param>
/// <param name="Deliveries">The steps it goes to (none for a streamed event).</param>
public sealed record NewEvent(EventRecordKind Kind, string Type, string Payload, string? Producer, IReadOnlyList<NewDelivery> Deliveries)
{
    /// <summary>
    /// Where it stands among fan-outs: which item of which fan-out it descends from, as the engine
    /// writes it (<c>batch.index.size.step</c> frames, outermost first, separated by <c>/</c>);
    /// <see langword="null"/> outside any. A store keeps it as it is and returns it with the event.
    /// </summary>
    public string? Lineage { get; init; }

    /// <summary>For a question (an <see cref="InputRequiredEvent"/>): the task it opens.</summary>
    public NewTask? Question { get; init; }
}

/// <summary>A delivery of an event to a step.</summary>
/// <param name="Step">The step's index.</param>
/// <param name="StepName">The step's name.</param>
/// <param name="Workers">How many deliveries of this step may be claimed at once in one run.</param>
/// <param name="AvailableAt">When it may be claimed (later for timers).</param>
public sealed record NewDelivery(int Step, string StepName, int Workers, DateTimeOffset AvailableAt)
{
    /// <summary>The named queue it goes through (<see cref="StepAttribute.Queue"/>), if any.</summary>
    public string? Queue { get; init; }
}

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

/// <summary>How a run ends, committed with the delivery that ends it.</summary>
/// <param name="Status">Completed, Failed, Cancelled or TimedOut.</param>
/// <param name="ResultType">For Completed: the StopEvent's type.</param>
/// <param name="ResultPayload">For Completed: the StopEvent as JSON.</param>
/// <param name="Error">Otherwise: why, in words.</param>
/// <param name="Failure">Otherwise: the error, as a run in memory would throw it.</param>
public sealed record RunCompletion(WorkflowRunStatus Status, string? ResultType, string? ResultPayload, string? Error, RunFailure? Failure = null);

/// <summary>
/// What ended a run that did not complete, as a run in memory would have thrown it: the exception's
/// type and message, and the step that threw it (none when the engine itself ended the run: a stall,
/// an event no step takes, a cancellation).
/// </summary>
/// <param name="ExceptionType">The full name of the exception's type.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="Step">The step whose exception it was, if a step's.</param>
public sealed record RunFailure(string ExceptionType, string Message, string? Step = null);

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

/// <summary>An event sent into a run from outside.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Type">The event's type name.</param>
/// <param name="Payload">Its JSON.</param>
/// <param name="AcceptedTypes">The event type and its base types' full names: a step waiting for any of them gets it.</param>
/// <param name="Deliveries">The steps it goes to when no step waits for it.</param>
public sealed record ExternalEvent(string RunId, string Type, string Payload, IReadOnlyList<string> AcceptedTypes, IReadOnlyList<NewDelivery> Deliveries)
{
    /// <summary>Who sent it (a person or a service, as <see cref="WorkflowRuntime.ActingAs"/> names them): its journal entry's producer.</summary>
    public string? SentBy { get; init; }

    /// <summary>The task it answers; the store picks the run's oldest open one that it can answer when none is given.</summary>
    public long? TaskId { get; init; }

    /// <summary>The person answering: the store refuses (changing nothing) unless they may answer the task (<see cref="HumanTaskRecord.Refusal"/>).</summary>
    public TaskActor? Answerer { get; init; }
}

/// <summary>What became of an event sent from outside.</summary>
public enum ExternalResult
{
    /// <summary>Handed to a waiting step.</summary>
    Answered,

    /// <summary>Routed to the steps that take it.</summary>
    Routed,

    /// <summary>No step waits for it or takes it: nothing was recorded.</summary>
    NotAccepted,

    /// <summary>The run does not exist.</summary>
    RunNotFound,

    /// <summary>The run has ended.</summary>
    RunEnded,

    /// <summary>The task named is not the run's, or does not exist: nothing was recorded.</summary>
    TaskNotFound,

    /// <summary>The answerer may not answer the task (or it is closed): nothing was recorded.</summary>
    TaskRefused,
}

/// <summary>Which runs to list.</summary>
/// <param name="Workflow">Only this workflow's runs.</param>
/// <param name="Status">Only runs in this status.</param>
/// <param name="Offset">How many to skip (newest first).</param>
/// <param name="Limit">How many at most.</param>
public sealed record RunQuery(string? Workflow = null, WorkflowRunStatus? Status = null, int Offset = 0, int Limit = 50)
{
    /// <summary>Only the child runs of this run (started by its steps with <c>ctx.RunAsync</c>).</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Only runs that carry every one of these tags (key and value, compared exactly).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Only runs started at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only runs started before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only runs whose title contains this text (ignoring case), or whose id starts with it.</summary>
    public string? Search { get; init; }
}

/// <summary>
/// Which finished runs <c>WorkflowRuntime.PurgeAsync</c> deletes. A run that has not ended (running,
/// waiting for input, suspended) is never selected, whatever the query says.
/// </summary>
public sealed record PurgeQuery
{
    /// <summary>Only this workflow's runs.</summary>
    public string? Workflow { get; init; }

    /// <summary>Only runs that ended this way: Completed, Failed, Cancelled or TimedOut.</summary>
    public WorkflowRunStatus? Status { get; init; }

    /// <summary>Only runs that ended before this time.</summary>
    public DateTimeOffset? FinishedBefore { get; init; }
}

/// <summary>An operator's control of a run, as the store applies it.</summary>
public enum RunControl
{
    /// <summary>Running or waiting for input → <see cref="WorkflowRunStatus.Suspended"/>.</summary>
    Suspend,

    /// <summary>Suspended → running (or waiting for input) again.</summary>
    Resume,

    /// <summary>Failed → running again from the delivery that failed it, with fresh attempts.</summary>
    Retry,
}

/// <summary>An operator's control of a run, to apply and journal in one transaction.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Control">What to do.</param>
/// <param name="RequestedBy">Who or what asked: recorded in the run's journal.</param>
public sealed record RunControlRequest(string RunId, RunControl Control, string RequestedBy);

/// <summary>What became of a control: applied, or refused because of the run's status (which it carries).</summary>
/// <param name="Applied">Whether it was applied.</param>
/// <param name="Run">The run after it (or as it was, when refused); <see langword="null"/> when no run has that id.</param>
public sealed record RunControlResult(bool Applied, RunRecord? Run)
{
    /// <summary>For a retry that could not be applied to a failed run: there was no failed delivery to run again (the run stalled).</summary>
    public bool NothingToRetry { get; init; }
}

/// <summary>
/// The journal entry of an operator's control (<see cref="EventRecordKind.Control"/>): who asked,
/// and the run's status before. Its type is one of the names below.
/// </summary>
/// <param name="RequestedBy">Who or what asked.</param>
/// <param name="From">The run's status before.</param>
/// <param name="Step">For a retry: the step run again.</param>
/// <param name="DeliveryId">For a retry: its delivery.</param>
public sealed record RunControlEntry(string RequestedBy, WorkflowRunStatus From, string? Step = null, long? DeliveryId = null)
{
    /// <summary>The type of a suspension's entry.</summary>
    public const string Suspended = "$suspended";

    /// <summary>The type of a resumption's entry.</summary>
    public const string Resumed = "$resumed";

    /// <summary>The type of a retry's entry.</summary>
    public const string Retried = "$retried";

    /// <summary>The type of a cancellation's entry.</summary>
    public const string Cancelled = "$cancelled";
}

/// <summary>A page of runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
/// <param name="Total">How many match in all.</param>
public sealed record RunPage(IReadOnlyList<RunRecord> Runs, int Total);
