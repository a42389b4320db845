using Workflows.Durable;

namespace Workflows.Tests;

/// <summary>The rules of schedules on their own: specs checked, occurrences due, catch-up and overlap.</summary>
public sealed class ScheduleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 30, TimeSpan.Zero);

    private static ScheduleRecord Every10s(ScheduleOverlap overlap, ScheduleCatchUp catchUp, DateTimeOffset? nextDue, DateTimeOffset? buffered = null) =>
        new("s", "W", new ScheduleSpec { Every = TimeSpan.FromSeconds(10), Overlap = overlap, CatchUp = catchUp, CatchUpWindow = TimeSpan.FromMinutes(5) }, "T", "{}", false, nextDue, null, Now.AddHours(-1))
        {
            BufferedOccurrence = buffered,
        };

    [Fact]
    public void Occurrences_due_run_from_the_schedules_due_time_to_now_and_the_next_follows_the_last()
    {
        ScheduleRecord schedule = Every10s(ScheduleOverlap.Allow, ScheduleCatchUp.All, Now.AddSeconds(-25));

        List<DateTimeOffset> due = ScheduleRules.Due(schedule, Now);

        Assert.Equal([Now.AddSeconds(-25), Now.AddSeconds(-15), Now.AddSeconds(-5)], due);
        Assert.Equal(Now.AddSeconds(5), ScheduleRules.Next(schedule.Spec, Now, due[^1]));
    }

    [Theory]
    [InlineData(ScheduleCatchUp.Latest, new[] { 0 })]
    [InlineData(ScheduleCatchUp.All, new[] { -300, -290, -280 })]
    [InlineData(ScheduleCatchUp.Skip, new[] { 0 })]
    public void Catch_up_picks_among_missed_occurrences(ScheduleCatchUp catchUp, int[] expected)
    {
        ScheduleRecord schedule = Every10s(ScheduleOverlap.Allow, catchUp, Now.AddSeconds(-300));
        List<DateTimeOffset> due = ScheduleRules.Due(schedule, Now);

        (List<DateTimeOffset> start, DateTimeOffset? buffer) = ScheduleRules.Pick(schedule, due, lastRunActive: false, Now);

        Assert.Equal(31, due.Count);
        Assert.Equal(expected.Select(s => Now.AddSeconds(s)), catchUp == ScheduleCatchUp.All ? start.Take(3) : start);
        Assert.Equal(catchUp == ScheduleCatchUp.All ? 31 : 1, start.Count);
        Assert.Null(buffer);
    }

    [Fact]
    public void Skip_starts_nothing_for_an_occurrence_found_more_than_a_minute_late()
    {
        var spec = new ScheduleSpec { Every = TimeSpan.FromMinutes(10), CatchUp = ScheduleCatchUp.Skip };
        var schedule = new ScheduleRecord("s", "W", spec, "T", "{}", false, Now.AddMinutes(-25), null, Now.AddHours(-1));

        List<DateTimeOffset> due = ScheduleRules.Due(schedule, Now);

        Assert.Equal([Now.AddMinutes(-25), Now.AddMinutes(-15), Now.AddMinutes(-5)], due);
        Assert.Empty(ScheduleRules.Pick(schedule, due, lastRunActive: false, Now).Start);
        Assert.Equal([Now.AddMinutes(-5)], ScheduleRules.Pick(schedule with { Spec = spec with { CatchUp = ScheduleCatchUp.Latest } }, due, lastRunActive: false, Now).Start);
    }

    [Fact]
    public void Overlap_skips_buffers_one_or_allows_while_the_last_run_goes_on()
    {
        List<DateTimeOffset> due = [Now.AddSeconds(-20), Now.AddSeconds(-10), Now];

        Assert.Empty(ScheduleRules.Pick(Every10s(ScheduleOverlap.Skip, ScheduleCatchUp.All, due[0]), due, lastRunActive: true, Now).Start);
        Assert.Equal([due[0]], ScheduleRules.Pick(Every10s(ScheduleOverlap.Skip, ScheduleCatchUp.All, due[0]), due, lastRunActive: false, Now).Start);
        Assert.Equal(due, ScheduleRules.Pick(Every10s(ScheduleOverlap.Allow, ScheduleCatchUp.All, due[0]), due, lastRunActive: true, Now).Start);

        (List<DateTimeOffset> held, DateTimeOffset? kept) = ScheduleRules.Pick(Every10s(ScheduleOverlap.BufferOne, ScheduleCatchUp.All, due[0]), due, lastRunActive: true, Now);
        Assert.Empty(held);
        Assert.Equal(Now, kept);

        // The last run ended: the buffered occurrence starts, and nothing new is due.
        (List<DateTimeOffset> released, DateTimeOffset? none) = ScheduleRules.Pick(Every10s(ScheduleOverlap.BufferOne, ScheduleCatchUp.All, Now.AddSeconds(10), buffered: Now), [], lastRunActive: false, Now.AddSeconds(1));
        Assert.Equal([Now], released);
        Assert.Null(none);
    }

    [Fact]
    public void A_cron_schedule_is_read_in_its_time_zone()
    {
        var spec = new ScheduleSpec { Cron = "0 2 * * *", TimeZone = "Europe/Berlin" };

        DateTimeOffset next = ScheduleRules.Next(spec, Now, null)!.Value;

        // 02:00 in Berlin in December is 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 1, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 12, 0, 31, TimeSpan.Zero), ScheduleRules.Next(new ScheduleSpec { Cron = "* * * * * *" }, Now, null));
    }

    [Theory]
    [InlineData(null, null, "UTC", "A schedule needs exactly one of ScheduleSpec.Cron (\"0 2 * * *\") or ScheduleSpec.Every (an interval).")]
    [InlineData("0 2 * * *", 10, "UTC", "A schedule needs exactly one of ScheduleSpec.Cron")]
    [InlineData(null, 0, "UTC", "ScheduleSpec.Every must be at least one second; it was 00:00:00.")]
    [InlineData("0 25 * * *", null, "UTC", "ScheduleSpec.Cron '0 25 * * *' is not a cron expression:")]
    [InlineData("0 2 * * *", null, "Mars/Olympus", "ScheduleSpec.TimeZone 'Mars/Olympus' is not a time zone this machine knows; use an IANA id such as 'Europe/Berlin' or 'UTC'.")]
    public void A_bad_spec_says_what_is_wrong(string? cron, int? everySeconds, string zone, string message)
    {
        var spec = new ScheduleSpec { Cron = cron, Every = everySeconds is { } s ? TimeSpan.FromSeconds(s) : null, TimeZone = zone };

        var error = Assert.Throws<ArgumentException>(() => ScheduleRules.Check(spec));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
