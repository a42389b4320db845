using Cronos;

namespace Workflows.Durable;

/// <summary>
/// The rules of schedules, apart from any store: checking a spec, the occurrences due, and which of
/// them start runs under the catch-up and overlap policies.
/// </summary>
internal static class ScheduleRules
{
    /// <summary>How late an occurrence may be and still count as on time (not missed).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private const int MaxOccurrences = 1000;

    /// <summary>A spec's cron expression and time zone, checked: an <see cref="ArgumentException"/> says what is wrong.</summary>
    public static (CronExpression? Cron, TimeZoneInfo Zone) Check(ScheduleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if ((spec.Cron is null) == (spec.Every is null))
        {
            throw new ArgumentException("A schedule needs exactly one of ScheduleSpec.Cron (\"0 2 * * *\") or ScheduleSpec.Every (an interval).", nameof(spec));
        }

        if (spec.Every is { } every && every < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"ScheduleSpec.Every must be at least one second; it was {every}.", nameof(spec));
        }

        if (spec.CatchUpWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ScheduleSpec.CatchUpWindow must be positive; it was {spec.CatchUpWindow}.", nameof(spec));
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(spec.TimeZone);
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"ScheduleSpec.TimeZone '{spec.TimeZone}' is not a time zone this machine knows; use an IANA id such as 'Europe/Berlin' or 'UTC'.", nameof(spec), error);
        }

        if (spec.Cron is null)
        {
            return (null, zone);
        }

        try
        {
            string[] fields = spec.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (CronExpression.Parse(spec.Cron, fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), zone);
        }
        catch (CronFormatException error)
        {
            throw new ArgumentException($"ScheduleSpec.Cron '{spec.Cron}' is not a cron expression: {error.Message} Use five fields (minute hour day month weekday), or six with seconds first.", nameof(spec), error);
        }
    }

    /// <summary>The first occurrence after <paramref name="after"/>.</summary>
    public static DateTimeOffset? Next(ScheduleSpec spec, DateTimeOffset after, DateTimeOffset? previous)
    {
        (CronExpression? cron, TimeZoneInfo zone) = Check(spec);
        if (cron is not null)
        {
            return cron.GetNextOccurrence(after, zone);
        }

        // An interval counts from its previous occurrence, so a late start does not shift the ones after it.
        TimeSpan every = spec.Every!.Value;
        DateTimeOffset next = previous ?? after;
        if (next <= after)
        {
            long steps = ((after - next).Ticks / every.Ticks) + 1;
            next += TimeSpan.FromTicks(steps * every.Ticks);
        }

        return next;
    }

    /// <summary>Every occurrence from the schedule's due time up to now, oldest first (at most 1,000).</summary>
    public static List<DateTimeOffset> Due(ScheduleRecord schedule, DateTimeOffset now)
    {
        var due = new List<DateTimeOffset>();
        for (DateTimeOffset? at = schedule.NextDueAt; at is { } time && time <= now && due.Count < MaxOccurrences; at = Next(schedule.Spec, time, time))
        {
            due.Add(time);
        }

        return due;
    }

    /// <summary>
    /// Which occurrences start runs: the catch-up policy picks among those due (an occurrence late by
    /// more than <see cref="Grace"/> was missed), then a buffered one goes first, then the overlap
    /// policy decides against the last run still going. Returns the occurrences to start and the one
    /// to keep.
    /// </summary>
    public static (List<DateTimeOffset> Start, DateTimeOffset? Buffer) Pick(ScheduleRecord schedule, List<DateTimeOffset> due, bool lastRunActive, DateTimeOffset now)
    {
        ScheduleSpec spec = schedule.Spec;
        List<DateTimeOffset> picked = spec.CatchUp switch
        {
            ScheduleCatchUp.Skip => [.. due.Where(t => now - t <= Grace).TakeLast(1)],
            ScheduleCatchUp.Latest => [.. due.TakeLast(1)],
            _ => [.. due.Where(t => now - t <= spec.CatchUpWindow)],
        };
        if (schedule.BufferedOccurrence is { } buffered)
        {
            picked.Insert(0, buffered);
        }

        return spec.Overlap switch
        {
            ScheduleOverlap.Allow => (picked, null),
            _ when picked.Count == 0 => ([], null),
            ScheduleOverlap.Skip => lastRunActive ? ([], null) : ([picked[0]], null),
            _ => lastRunActive ? ([], picked[^1]) : ([picked[0]], picked.Count > 1 ? picked[^1] : null),
        };
    }

    /// <summary>The idempotency key of an occurrence's run: one run per occurrence, however many workers fire it.</summary>
    public static string IdempotencyKey(string scheduleId, DateTimeOffset occurrence) =>
        $"schedule:{scheduleId}:{occurrence.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}";
}
