namespace Workflows.Durable;

/// <summary>Which tasks to list, and in what order.</summary>
/// <param name="Workflow">Only this workflow's tasks.</param>
/// <param name="Status">Only tasks in this status (open by default; <see langword="null"/> for all).</param>
/// <param name="Offset">How many to skip.</param>
/// <param name="Limit">How many at most.</param>
public sealed record HumanTaskQuery(string? Workflow = null, HumanTaskStatus? Status = HumanTaskStatus.Open, int Offset = 0, int Limit = 50)
{
    /// <summary>Only this run's tasks.</summary>
    public string? RunId { get; init; }

    /// <summary>Only tasks assigned to or claimed by this user (or, with <see cref="Roles"/>, those too).</summary>
    public string? User { get; init; }

    /// <summary>Only tasks assigned to one of these roles (or, with <see cref="User"/>, that user's too).</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>Only tasks no user or role is named for and nobody has claimed.</summary>
    public bool Unassigned { get; init; }

    /// <summary>Only open tasks past their due time.</summary>
    public bool Overdue { get; init; }

    /// <summary>The order.</summary>
    public HumanTaskSort Sort { get; init; }
}

/// <summary>How tasks are ordered.</summary>
public enum HumanTaskSort
{
    /// <summary>Newest first.</summary>
    Newest,

    /// <summary>Oldest first.</summary>
    Oldest,

    /// <summary>Soonest due first; those never due last.</summary>
    Due,

    /// <summary>Highest priority first, then oldest.</summary>
    Priority,
}

/// <summary>A page of tasks.</summary>
/// <param name="Tasks">The tasks.</param>
/// <param name="Total">How many match in all.</param>
public sealed record HumanTaskPage(IReadOnlyList<HumanTaskRecord> Tasks, int Total);
