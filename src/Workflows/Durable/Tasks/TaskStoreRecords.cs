namespace Workflows.Durable;

/// <summary>A task to open with the question a commit records (<see cref="NewEvent.Question"/>).</summary>
/// <param name="DeliveryId">The delivery whose step asked (a step waiting in WaitForAsync gets the answer).</param>
/// <param name="Title">What it is.</param>
/// <param name="Users">Who may answer.</param>
/// <param name="Roles">Whose members may answer.</param>
/// <param name="Priority">Higher first.</param>
/// <param name="DueAt">When the answer is due.</param>
public sealed record NewTask(long DeliveryId, string Title, IReadOnlyList<string> Users, IReadOnlyList<string> Roles, int Priority, DateTimeOffset? DueAt)
{
    /// <summary>The event recorded, with its deliveries, once the task is past due and unanswered.</summary>
    public NewEvent? Overdue { get; init; }
}

/// <summary>A change of a task by a person, decided and made in one transaction.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Action">Claim, release, delegate or reassign.</param>
/// <param name="Actor">Who.</param>
public sealed record TaskChangeRequest(long TaskId, TaskAction Action, TaskActor Actor)
{
    /// <summary>For <see cref="TaskAction.Delegate"/>: the user it goes to.</summary>
    public string? To { get; init; }

    /// <summary>For <see cref="TaskAction.Reassign"/>: the users who may answer from now on.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>For <see cref="TaskAction.Reassign"/>: the roles whose members may answer from now on.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Why, for the history.</summary>
    public string? Reason { get; init; }
}

/// <summary>How a task change went.</summary>
/// <param name="Task">The task after it (or as it was, when refused); none when there is no such task.</param>
/// <param name="Refusal">Why nothing changed, in words; none when it changed.</param>
public sealed record TaskChangeResult(HumanTaskRecord? Task, string? Refusal);

/// <summary>
/// A task's history entry in its run's journal (<see cref="EventRecordKind.Task"/>): its type is one of
/// the names below, its payload this record as JSON.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="By">Who did it (none for what the run or time did).</param>
public sealed record TaskHistoryEntry(long TaskId, string? By)
{
    /// <summary>Who may answer after it (creation, reassignment, delegation).</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>Whose members may answer after it.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>Who held the task before (a release, a delegation, a reassignment of a claimed task).</summary>
    public string? From { get; init; }

    /// <summary>Who it went to (a claim, a delegation).</summary>
    public string? To { get; init; }

    /// <summary>Why, as given.</summary>
    public string? Reason { get; init; }

    /// <summary>The type of the entry that opens a task.</summary>
    public const string Created = "$task-created";

    /// <summary>The type of a claim's entry.</summary>
    public const string Claimed = "$task-claimed";

    /// <summary>The type of a release's entry.</summary>
    public const string Released = "$task-released";

    /// <summary>The type of a delegation's entry.</summary>
    public const string Delegated = "$task-delegated";

    /// <summary>The type of a reassignment's entry.</summary>
    public const string Reassigned = "$task-reassigned";

    /// <summary>The type of the entry when its due time passes unanswered.</summary>
    public const string Overdue = "$task-overdue";

    /// <summary>The type of the answer's entry.</summary>
    public const string Completed = "$task-completed";
}
