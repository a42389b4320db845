namespace Workflows.Durable;

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
