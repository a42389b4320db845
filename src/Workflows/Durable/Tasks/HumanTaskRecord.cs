namespace Workflows.Durable;

/// <summary>Where a task stands.</summary>
public enum HumanTaskStatus
{
    /// <summary>Waiting for an answer.</summary>
    Open,

    /// <summary>Answered.</summary>
    Completed,

    /// <summary>Its run ended before anyone answered.</summary>
    Cancelled,
}

/// <summary>
/// A question a durable run asked (an <see cref="InputRequiredEvent"/>), as a task people work from:
/// who may answer it (<see cref="Users"/>, <see cref="Roles"/>), who is on it (<see cref="ClaimedBy"/>),
/// by when, and how it ended. Its history is in the run's journal (<see cref="EventRecordKind.Task"/> entries).
/// </summary>
/// <param name="TaskId">Its id.</param>
/// <param name="RunId">The run that asked.</param>
/// <param name="Workflow">The run's workflow.</param>
/// <param name="Step">The step that asked.</param>
/// <param name="PromptSequence">The question's position in the run's journal.</param>
/// <param name="PromptType">The question's event type.</param>
/// <param name="Title">What it is, for people.</param>
/// <param name="Users">The users who may answer.</param>
/// <param name="Roles">The roles whose members may answer.</param>
/// <param name="Priority">Higher first.</param>
/// <param name="DueAt">When the answer is due, if ever.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ClaimedBy">The user working on it, if anyone: only they may answer while it is claimed.</param>
/// <param name="CreatedAt">When it was asked.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record HumanTaskRecord(
    long TaskId,
    string RunId,
    string Workflow,
    string Step,
    long PromptSequence,
    string PromptType,
    string Title,
    IReadOnlyList<string> Users,
    IReadOnlyList<string> Roles,
    int Priority,
    DateTimeOffset? DueAt,
    HumanTaskStatus Status,
    string? ClaimedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>When it was answered or cancelled.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Who answered it (the authenticated user, or who sent the answer).</summary>
    public string? CompletedBy { get; init; }

    /// <summary>When it was found past due (and its overdue event, if any, sent).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>The delivery whose step asked.</summary>
    public long DeliveryId { get; init; }

    /// <summary>No user or role is named: anyone allowed to answer may.</summary>
    public bool IsUnassigned => Users.Count == 0 && Roles.Count == 0;

    /// <summary>Whether it is open and past its due time at <paramref name="now"/>.</summary>
    /// <param name="now">The time to judge by.</param>
    /// <returns>Whether it is overdue.</returns>
    public bool IsOverdue(DateTimeOffset now) => Status == HumanTaskStatus.Open && DueAt is { } due && due <= now;

    /// <summary>Whether <paramref name="actor"/> is among those who may answer: a named user, a member of a named role, or anyone when none is named.</summary>
    /// <param name="actor">The person.</param>
    /// <returns>Whether they are eligible (a claim by someone else still stops them).</returns>
    public bool IsEligible(TaskActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return IsUnassigned || Users.Contains(actor.UserId, StringComparer.Ordinal) || Roles.Any(actor.Roles.Contains);
    }

    /// <summary>
    /// Why <paramref name="actor"/> may not do <paramref name="action"/> to this task, in words for
    /// them; <see langword="null"/> when they may. The stores decide by this same rule, in the
    /// transaction that makes the change.
    /// </summary>
    /// <param name="actor">The person.</param>
    /// <param name="action">What they want to do.</param>
    /// <returns>The refusal, or <see langword="null"/>.</returns>
    public string? Refusal(TaskActor actor, TaskAction action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Status != HumanTaskStatus.Open)
        {
            return $"Task {TaskId} is {(Status == HumanTaskStatus.Completed ? "answered" : "cancelled: its run ended")}; nothing can change it.";
        }

        if (actor.IsService && action == TaskAction.Answer)
        {
            return null;
        }

        bool claimedByOther = ClaimedBy is not null && ClaimedBy != actor.UserId;
        return action switch
        {
            TaskAction.Reassign when !actor.MayManage =>
                $"Reassigning task {TaskId} takes the permission to operate runs, which {actor.UserId} does not have.",
            TaskAction.Reassign => null,
            TaskAction.Release when ClaimedBy is null => $"Task {TaskId} is not claimed; there is nothing to release.",
            TaskAction.Release when claimedByOther && !actor.MayManage => $"Task {TaskId} is claimed by {ClaimedBy}; only they, or someone who may operate runs, can release it.",
            TaskAction.Release => null,
            _ when claimedByOther && !(action == TaskAction.Delegate && actor.MayManage) =>
                $"Task {TaskId} is claimed by {ClaimedBy}; only they may {Verb(action)} it until they release it.",
            _ when !IsEligible(actor) && !actor.IsService && !(action == TaskAction.Delegate && actor.MayManage) =>
                $"Task {TaskId} is assigned to {Assignees()}; {actor.UserId} is not one of them{(actor.Roles.Count == 0 ? string.Empty : $" (roles: {string.Join(", ", actor.Roles)})")}.",
            _ => null,
        };
    }

    private string Assignees() => string.Join(", ", Users.Select(u => "user " + u).Concat(Roles.Select(r => "role " + r)));

    private static string Verb(TaskAction action) => action switch
    {
        TaskAction.Claim => "claim",
        TaskAction.Delegate => "delegate",
        _ => "answer",
    };
}

/// <summary>What a person does to a task.</summary>
public enum TaskAction
{
    /// <summary>Answers it (sends the answer into its run).</summary>
    Answer,

    /// <summary>Takes it: only they may answer until they release it.</summary>
    Claim,

    /// <summary>Gives up a claim (their own, or anyone's for someone who may operate runs).</summary>
    Release,

    /// <summary>Hands it to one other user, who becomes its only assignee (an eligible person, or someone who may operate runs).</summary>
    Delegate,

    /// <summary>Changes who may answer (someone who may operate runs).</summary>
    Reassign,
}

/// <summary>A person acting on tasks: their user id, their roles, and whether they may manage others' tasks.</summary>
/// <param name="UserId">Their user id, as the authentication names them.</param>
/// <param name="Roles">Their roles.</param>
public sealed record TaskActor(string UserId, IReadOnlyCollection<string> Roles)
{
    /// <summary>May reassign any task, release anyone's claim and delegate any task (the server grants it with the operate permission).</summary>
    public bool MayManage { get; init; }

    /// <summary>
    /// A service (the server's API keys), not a person: it may answer any open task, on someone's
    /// behalf, and claim or delegate any task nobody else has claimed; who may answer limits people.
    /// Releasing and reassigning follow the rules for people.
    /// </summary>
    public bool IsService { get; init; }
}
