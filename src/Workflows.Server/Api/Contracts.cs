using System.Text.Json.Nodes;

namespace Workflows.Server.Api;

/// <summary>A registered workflow: its graph and the JSON schemas of the events a client sends and receives.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Fingerprint">Its fingerprint in the running build.</param>
/// <param name="StartEvent">What starts a run (the body of <c>POST /workflows/{name}/runs</c>).</param>
/// <param name="StopEvent">What a completed run's result is.</param>
/// <param name="InputEvents">What may be sent into a run (<c>POST /runs/{id}/events</c>): the human responses it takes.</param>
/// <param name="Steps">Its steps.</param>
/// <param name="Mermaid">Its graph as a Mermaid flowchart.</param>
public sealed record WorkflowInfo(string Name, string Fingerprint, EventInfo StartEvent, EventInfo StopEvent, IReadOnlyList<EventInfo> InputEvents, IReadOnlyList<StepInfo> Steps, string Mermaid)
{
    /// <summary>Its version under its name: the one new runs start on (<c>[Workflow(Version = …)]</c>, else 1).</summary>
    public int Version { get; init; } = 1;
}

/// <summary>An event type and its JSON schema.</summary>
/// <param name="Name">The type's name.</param>
/// <param name="Type">The type's full name.</param>
/// <param name="Schema">The JSON schema of its body.</param>
public sealed record EventInfo(string Name, string Type, JsonNode Schema);

/// <summary>A step of a workflow.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Accepts">The event it takes.</param>
/// <param name="Produces">The events it may produce.</param>
public sealed record StepInfo(string Name, string Accepts, IReadOnlyList<string> Produces);

/// <summary>A run.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="IdempotencyKey">The key it was started with.</param>
/// <param name="ResultType">Its StopEvent's type, once completed.</param>
/// <param name="Result">Its StopEvent, once completed.</param>
/// <param name="Error">Why it failed, was cancelled or stalled.</param>
public sealed record RunInfo(
    string RunId,
    string Workflow,
    WorkflowRunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? IdempotencyKey,
    string? ResultType,
    RawJson? Result,
    string? Error)
{
    /// <summary>Its tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The run whose step started it, for a child run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The version of its workflow it goes on under: the one it started under; <see langword="null"/> when no registered version can resume it.</summary>
    public int? Version { get; init; }

    /// <summary>Its title for people, if it was started with one.</summary>
    public string? Title { get; init; }
}

/// <summary>A run with where each of its steps stands and the human task it waits on, if any.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="IdempotencyKey">The key it was started with.</param>
/// <param name="ResultType">Its StopEvent's type, once completed.</param>
/// <param name="Result">Its StopEvent, once completed.</param>
/// <param name="Error">Why it failed, was cancelled or stalled.</param>
/// <param name="Steps">Each step of the workflow and how far it got in this run.</param>
/// <param name="Task">What the run waits for from a person, while it waits.</param>
public sealed record RunDetail(
    string RunId,
    string Workflow,
    WorkflowRunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? IdempotencyKey,
    string? ResultType,
    RawJson? Result,
    string? Error,
    IReadOnlyList<StepProgress> Steps,
    HumanTask? Task)
{
    /// <summary>Its tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The run whose step started it, for a child run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The version of its workflow it goes on under: the one it started under; <see langword="null"/> when no registered version can resume it.</summary>
    public int? Version { get; init; }

    /// <summary>Its title for people, if it was started with one.</summary>
    public string? Title { get; init; }

    /// <summary>What its steps' model calls used (calls, tokens, estimated cost), for a workflow whose steps call models (Workflows.AI).</summary>
    public Workflows.AI.ModelUsageTotals? ModelUsage { get; init; }
}

/// <summary>How far a step got in a run.</summary>
/// <param name="Name">The step.</param>
/// <param name="State"><c>idle</c> (never ran), <c>pending</c>, <c>running</c>, <c>waiting</c> (for a person), <c>done</c>, <c>failed</c> or <c>cancelled</c>: its latest delivery's state.</param>
/// <param name="Deliveries">How many events it was given.</param>
/// <param name="Attempts">How many attempts it made in all.</param>
/// <param name="Error">Its last error, if an attempt failed.</param>
public sealed record StepProgress(string Name, string State, int Deliveries, int Attempts, string? Error);

/// <summary>A page of runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Offset">How many were skipped.</param>
/// <param name="Limit">The page size.</param>
public sealed record RunList(IReadOnlyList<RunInfo> Runs, int Total, int Offset, int Limit);

/// <summary>An event in a run's journal.</summary>
/// <param name="Sequence">Its position, from 1, without gaps (the server-sent event id).</param>
/// <param name="Kind"><c>start</c>, <c>routed</c> (between steps), <c>streamed</c> (to the caller), <c>external</c> (sent in), <c>timer</c>, <c>control</c> (an operator's), <c>task</c> (a task's change: created, claimed, delegated, reassigned, overdue, completed) or <c>recorded</c> (a <c>ctx.OnceAsync</c> result; the name is its key) or, on the event stream only, <c>live</c> (written with <c>ctx.WriteLive</c>, never stored; sequence 0).</param>
/// <param name="Name">The event type's name.</param>
/// <param name="Type">The event type's full name.</param>
/// <param name="Producer">The step that produced it, if one did.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="Payload">The event.</param>
public sealed record JournalEntry(long Sequence, string Kind, string Name, string Type, string? Producer, DateTimeOffset CreatedAt, RawJson Payload)
{
    /// <summary>The fan-outs the event descends from, outermost first: which item of each it is, or came from. Absent outside any fan-out.</summary>
    public IReadOnlyList<FanOutPosition>? FanOut { get; init; }
}

/// <summary>Where an event stands in one fan-out.</summary>
/// <param name="Step">The step that fanned out.</param>
/// <param name="Index">Which item, from 0.</param>
/// <param name="Size">How many items the fan-out made (0 for the one arrival of an empty fan-out).</param>
/// <param name="Batch">The fan-out, unique within the run: two fan-outs of one step (a loop) differ here.</param>
public sealed record FanOutPosition(string Step, int Index, int Size, long Batch);

/// <summary>A page of a run's journal.</summary>
/// <param name="Events">The events, in order.</param>
/// <param name="Next">The <c>after</c> to ask for the next page with, or <see langword="null"/> at the end.</param>
public sealed record JournalPage(IReadOnlyList<JournalEntry> Events, long? Next);

/// <summary>A question a run asked a person: the task, who may answer it, and the answers it takes.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Step">The step that asked (and, with WaitForAsync, waits for the answer).</param>
/// <param name="Prompt">The question: the InputRequiredEvent the run streamed.</param>
/// <param name="Responses">The answers it takes, with their schemas.</param>
/// <param name="WaitingSince">When it was asked.</param>
public sealed record HumanTask(string RunId, string Workflow, string? Step, JournalEntry? Prompt, IReadOnlyList<EventInfo> Responses, DateTimeOffset WaitingSince)
{
    /// <summary>The task's id (answer it with <c>POST /tasks/{taskId}/answer</c>); none for a question asked before the store kept tasks.</summary>
    public long? TaskId { get; init; }

    /// <summary>What it is, for people.</summary>
    public string? Title { get; init; }

    /// <summary><c>open</c>, <c>completed</c> or <c>cancelled</c>.</summary>
    public string Status { get; init; } = "open";

    /// <summary>The users who may answer (none, and no roles: anyone who may answer runs).</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>The roles whose members may answer.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Higher first.</summary>
    public int Priority { get; init; }

    /// <summary>When the answer is due.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Whether it is open and past its due time.</summary>
    public bool Overdue { get; init; }

    /// <summary>The user working on it: only they may answer until they release it.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>Who answered it.</summary>
    public string? CompletedBy { get; init; }

    /// <summary>When it was answered or cancelled.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>What the caller may do to it: <c>answer</c>, <c>claim</c>, <c>release</c>, <c>delegate</c>, <c>reassign</c>.</summary>
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>Its history: the journal's entries for it, oldest first (only for a single task).</summary>
    public IReadOnlyList<JournalEntry>? History { get; init; }
}

/// <summary>Hands a task to one user.</summary>
/// <param name="To">The user's id.</param>
/// <param name="Reason">Why, for the history.</param>
public sealed record DelegateTaskRequest(string? To, string? Reason);

/// <summary>Changes who may answer a task.</summary>
/// <param name="Users">The users who may answer from now on.</param>
/// <param name="Roles">The roles whose members may answer from now on.</param>
/// <param name="Reason">Why, for the history.</param>
public sealed record ReassignTaskRequest(IReadOnlyList<string>? Users, IReadOnlyList<string>? Roles, string? Reason);

/// <summary>A page of human tasks, in the order asked for.</summary>
/// <param name="Tasks">The tasks.</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Offset">How many were skipped.</param>
/// <param name="Limit">The page size.</param>
public sealed record TaskList(IReadOnlyList<HumanTask> Tasks, int Total, int Offset, int Limit);

/// <summary>What became of an event sent into a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Type">The event's type.</param>
/// <param name="Run">The run after the event was recorded.</param>
public sealed record EventAccepted(string RunId, string Type, RunInfo Run);

/// <summary>An event to send into a run.</summary>
/// <param name="Type">The event type's name or full name; may be left out when the workflow takes only one.</param>
/// <param name="Data">The event.</param>
public sealed record SendEventRequest(string? Type, JsonNode? Data);

/// <summary>A webhook subscription. The secret is shown once, when it is created.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Events">The topics it receives.</param>
/// <param name="Workflow">Only this workflow's runs, or all.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Enabled">Whether it still receives deliveries.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Secret">The signing secret (only in the response that created it).</param>
public sealed record WebhookInfo(string Id, string Url, IReadOnlyList<string> Events, string? Workflow, string? Description, bool Enabled, DateTimeOffset CreatedAt, string? Secret);

/// <summary>A new webhook subscription.</summary>
/// <param name="Url">An absolute https URL (http only for allow-listed networks).</param>
/// <param name="Events">The topics to receive: <c>run.started</c>, <c>run.waiting</c>, <c>run.suspended</c>, <c>run.resumed</c>, <c>run.completed</c>, <c>run.failed</c>, <c>run.cancelled</c>, <c>run.timed_out</c>, <c>task.created</c>, <c>task.assigned</c>, <c>task.overdue</c>, <c>task.completed</c>, <c>run.*</c>, <c>task.*</c> or <c>*</c>.</param>
/// <param name="Workflow">Only this workflow's runs; all when left out.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Secret">A signing secret (<c>whsec_</c> and 24 to 64 random bytes in base64); one is made when left out.</param>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Workflow, string? Description, string? Secret);

/// <summary>A webhook delivery and its attempts.</summary>
/// <param name="Id">Its id.</param>
/// <param name="MessageId">The <c>webhook-id</c> header: the same on every attempt.</param>
/// <param name="Topic">What happened.</param>
/// <param name="RunId">The run it is about.</param>
/// <param name="Status"><c>pending</c>, <c>sending</c>, <c>delivered</c> or <c>failed</c>.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while pending.</param>
/// <param name="LastStatusCode">The receiver's last HTTP status.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="FinishedAt">When it was delivered or given up.</param>
/// <param name="Payload">The body sent.</param>
/// <param name="AttemptLog">Each attempt.</param>
public sealed record WebhookDeliveryInfo(
    long Id,
    string MessageId,
    string Topic,
    string RunId,
    string Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    RawJson Payload,
    IReadOnlyList<WebhookAttemptInfo> AttemptLog);

/// <summary>One attempt at a webhook delivery.</summary>
/// <param name="Attempt">Which attempt.</param>
/// <param name="At">When it started.</param>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="DurationMs">How long it took.</param>
public sealed record WebhookAttemptInfo(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, long DurationMs);

/// <summary>A page of a subscription's deliveries, newest first.</summary>
/// <param name="Deliveries">The deliveries.</param>
/// <param name="Next">The <c>before</c> to ask for the next page with, or <see langword="null"/> at the end.</param>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryInfo> Deliveries, long? Next);

/// <summary>The body of a webhook delivery (the Standard Webhooks shape: type, timestamp, data).</summary>
/// <param name="Type">The topic: <c>run.completed</c>, ...</param>
/// <param name="Timestamp">When the run changed.</param>
/// <param name="Data">The run.</param>
public sealed record WebhookMessage(string Type, DateTimeOffset Timestamp, WebhookRunData Data);

/// <summary>The run a webhook delivery is about, as of the change.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Status">Its status after the change.</param>
/// <param name="PreviousStatus">Its status before (none when it just started).</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="ResultType">For <c>run.completed</c>: the StopEvent's type.</param>
/// <param name="Result">For <c>run.completed</c>: the StopEvent.</param>
/// <param name="Error">For failed, cancelled and timed out runs: why.</param>
/// <param name="Task">For <c>run.waiting</c>: what it asked of a person when it started waiting; for <c>task.*</c>: the task, as it was when the change was fanned out (moments after it).</param>
public sealed record WebhookRunData(
    string RunId,
    string Workflow,
    WorkflowRunStatus Status,
    WorkflowRunStatus? PreviousStatus,
    DateTimeOffset CreatedAt,
    string? ResultType,
    RawJson? Result,
    string? Error,
    HumanTask? Task);

/// <summary>Who is calling.</summary>
/// <param name="Name">The API key's name, or the user's display name.</param>
public sealed record Caller(string Name)
{
    /// <summary>Whether the caller may operate runs: cancel, suspend, resume, retry, purge (the <c>operate</c> permission).</summary>
    public bool CanOperate { get; init; }

    /// <summary><c>key</c> for an API key, <c>user</c> for a user of one of the app's authentication schemes.</summary>
    public string Kind { get; init; } = "key";

    /// <summary>The key's name, or the user's id (the <c>sub</c> claim).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The user's roles (none for a key).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>What the caller may do: <c>read</c>, <c>start</c>, <c>answer</c>, <c>operate</c>, <c>administer</c>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];
}

/// <summary>Who may call the server and what each may do (<c>GET /api/access</c>, for administrators); no secret is ever in it.</summary>
/// <param name="Keys">The configured API keys.</param>
/// <param name="Roles">The permissions each role is granted.</param>
/// <param name="AuthenticationSchemes">The app's authentication schemes people sign in with, beside the API keys.</param>
public sealed record AccessInfo(IReadOnlyList<ApiKeyInfo> Keys, IReadOnlyList<RoleGrant> Roles, IReadOnlyList<string> AuthenticationSchemes);

/// <summary>A configured API key, without its secret.</summary>
/// <param name="Name">The name it is known by.</param>
/// <param name="Permissions">What it may do: <c>read</c>, <c>start</c>, <c>answer</c>, <c>operate</c>, <c>administer</c>.</param>
/// <param name="GrantedByDefault">Its configuration lists no permissions, so it has those of a key configured before permissions existed (every one, or all but operate and administer with <c>CanOperate: false</c>).</param>
public sealed record ApiKeyInfo(string Name, IReadOnlyList<string> Permissions, bool GrantedByDefault);

/// <summary>The permissions granted to people with a role.</summary>
/// <param name="Role">The role, as the authentication's role claims name it.</param>
/// <param name="Permissions">What its members may do.</param>
public sealed record RoleGrant(string Role, IReadOnlyList<string> Permissions);

/// <summary>Which finished runs to delete: <c>POST /api/runs/purge</c>. Runs that have not ended are never deleted.</summary>
/// <param name="Workflow">Only this workflow's runs.</param>
/// <param name="Status">Only runs that ended so: <c>completed</c>, <c>failed</c>, <c>cancelled</c> or <c>timedOut</c>.</param>
/// <param name="FinishedBefore">Only runs that ended before this time.</param>
public sealed record PurgeRequest(string? Workflow, string? Status, DateTimeOffset? FinishedBefore);

/// <summary>What a purge deleted.</summary>
/// <param name="Deleted">How many runs.</param>
public sealed record PurgeResult(int Deleted);

/// <summary>A schedule: when it starts runs of its workflow, and where it stands.</summary>
/// <param name="ScheduleId">Its id.</param>
/// <param name="Workflow">The workflow it starts.</param>
/// <param name="Cron">Its cron expression, if it has one.</param>
/// <param name="Every">Its interval (<c>hh:mm:ss</c>), if it has one.</param>
/// <param name="TimeZone">The time zone its cron expression is read in.</param>
/// <param name="Overlap">What it does while its last run goes on: <c>skip</c>, <c>bufferOne</c> or <c>allow</c>.</param>
/// <param name="CatchUp">What it starts after downtime: <c>skip</c>, <c>latest</c> or <c>all</c>.</param>
/// <param name="Paused">Whether it is paused.</param>
/// <param name="NextDueAt">Its next occurrence.</param>
/// <param name="LastRunId">The last run it started.</param>
public sealed record ScheduleInfo(string ScheduleId, string Workflow, string? Cron, string? Every, string TimeZone, string Overlap, string CatchUp, bool Paused, DateTimeOffset? NextDueAt, string? LastRunId);
