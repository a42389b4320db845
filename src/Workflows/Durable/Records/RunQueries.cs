namespace Workflows.Durable;

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

/// <summary>A page of runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
/// <param name="Total">How many match in all.</param>
public sealed record RunPage(IReadOnlyList<RunRecord> Runs, int Total);
