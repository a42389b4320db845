namespace Workflows.Durable;

/// <summary>
/// When a schedule starts runs: a cron expression or an interval, in a time zone, and what to do when
/// a run is still going at the next occurrence (<see cref="Overlap"/>) or occurrences were missed
/// while no worker was up (<see cref="CatchUp"/>).
/// </summary>
/// <example>
/// <code>
/// await runtime.ScheduleAsync&lt;ReportFlow&gt;("nightly-report", new ReportRequested("sales"),
///     new ScheduleSpec { Cron = "0 2 * * *", TimeZone = "Europe/Berlin" });
/// </code>
/// </example>
public sealed record ScheduleSpec
{
    /// <summary>A cron expression: five fields (minute hour day month weekday) or six with seconds first. Set this or <see cref="Every"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>An interval between runs, at least one second, counted from when the schedule is made. Set this or <see cref="Cron"/>.</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>The time zone <see cref="Cron"/> is read in (an IANA id such as <c>Europe/Berlin</c>); default <c>UTC</c>. Daylight saving is handled by Cronos.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>What happens at an occurrence while the schedule's last run has not ended. Default <see cref="ScheduleOverlap.Skip"/>.</summary>
    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>Which missed occurrences start runs after downtime. Default <see cref="ScheduleCatchUp.Latest"/>.</summary>
    public ScheduleCatchUp CatchUp { get; init; } = ScheduleCatchUp.Latest;

    /// <summary>For <see cref="ScheduleCatchUp.All"/>: how far back missed occurrences still start runs. Default one day.</summary>
    public TimeSpan CatchUpWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Tags of every run the schedule starts (each also carries <c>schedule</c> = the schedule's id).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The <see cref="DurableRunOptions.Timeout"/> of every run the schedule starts.</summary>
    public TimeSpan? RunTimeout { get; init; }
}

/// <summary>What a schedule does at an occurrence while its last run has not ended.</summary>
public enum ScheduleOverlap
{
    /// <summary>Skip the occurrence.</summary>
    Skip,

    /// <summary>Keep one occurrence and start it as soon as the last run ends (later ones are skipped meanwhile).</summary>
    BufferOne,

    /// <summary>Start a run anyway.</summary>
    Allow,
}

/// <summary>Which occurrences missed while no worker was up start runs once one is.</summary>
public enum ScheduleCatchUp
{
    /// <summary>None: only an occurrence less than a minute late starts a run.</summary>
    Skip,

    /// <summary>The latest missed occurrence starts one run; older ones are skipped.</summary>
    Latest,

    /// <summary>Every missed occurrence within <see cref="ScheduleSpec.CatchUpWindow"/> starts a run, oldest first.</summary>
    All,
}

/// <summary>A schedule as stored.</summary>
/// <param name="ScheduleId">Its id, unique in the store.</param>
/// <param name="Workflow">The workflow it starts.</param>
/// <param name="Spec">When, and how.</param>
/// <param name="StartType">The StartEvent's type name.</param>
/// <param name="StartPayload">The StartEvent as JSON: every run starts with it.</param>
/// <param name="Paused">Whether it is paused (starts nothing).</param>
/// <param name="NextDueAt">Its next occurrence; <see langword="null"/> when there is none.</param>
/// <param name="LastRunId">The last run it started.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record ScheduleRecord(
    string ScheduleId,
    string Workflow,
    ScheduleSpec Spec,
    string StartType,
    string StartPayload,
    bool Paused,
    DateTimeOffset? NextDueAt,
    string? LastRunId,
    DateTimeOffset CreatedAt)
{
    /// <summary>An occurrence kept by <see cref="ScheduleOverlap.BufferOne"/>, to start once the last run ends.</summary>
    public DateTimeOffset? BufferedOccurrence { get; init; }
}

/// <summary>What the runtime decides at a schedule's due time: the runs to start, when it is next due, what to keep for later.</summary>
/// <param name="Runs">The runs to start now, in order (each under the occurrence's idempotency key).</param>
/// <param name="NextDueAt">The next occurrence after now.</param>
/// <param name="BufferedOccurrence">An occurrence kept to start once the last run ends.</param>
public sealed record SchedulePlan(IReadOnlyList<NewRun> Runs, DateTimeOffset? NextDueAt, DateTimeOffset? BufferedOccurrence);

/// <summary>A worker's request to start what schedules have due.</summary>
/// <param name="Now">The current time.</param>
/// <param name="Max">How many schedules to handle at most.</param>
/// <param name="Plan">Decides for one due schedule, given whether its last run is still going.</param>
public sealed record ScheduleFireRequest(DateTimeOffset Now, int Max, Func<ScheduleRecord, bool, SchedulePlan> Plan);

/// <summary>What firing schedules did.</summary>
/// <param name="Started">The runs started.</param>
/// <param name="NextDueAt">When the soonest schedule is next due.</param>
public sealed record ScheduleFireResult(IReadOnlyList<RunRecord> Started, DateTimeOffset? NextDueAt);
