using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Workflows.Cli;

/// <summary>Tables for people, JSON for scripts.</summary>
internal static class Output
{
    public static Task WriteAsync<T>(TextWriter output, bool json, T value, JsonTypeInfo<T> type, Func<string> table) =>
        output.WriteLineAsync(json ? JsonSerializer.Serialize(value, type) : table());

    public static string Runs(RunListView page) =>
        Table(["RUN", "WORKFLOW", "STATUS", "STARTED", "UPDATED"], page.Runs.Select(r => new[] { r.RunId, r.Workflow, r.Status, Time(r.CreatedAt), Time(r.UpdatedAt) }))
        + $"{page.Runs.Count} of {page.Total} run(s)";

    public static string Run(RunView run)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"run       {run.RunId}");
        text.AppendLine(CultureInfo.InvariantCulture, $"workflow  {run.Workflow}");
        text.AppendLine(CultureInfo.InvariantCulture, $"status    {run.Status}");
        text.AppendLine(CultureInfo.InvariantCulture, $"started   {Time(run.CreatedAt)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"updated   {Time(run.UpdatedAt)}");
        if (run.ParentRunId is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"parent    {run.ParentRunId}");
        }

        if (run.Tags is { Count: > 0 } tags)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"tags      {string.Join(", ", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value))}");
        }

        if (run.Error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"error     {run.Error}");
        }

        return text.ToString();
    }

    public static string Journal(IReadOnlyList<JournalView> journal) =>
        Table(["#", "KIND", "EVENT", "BY", "AT"], journal.Select(e => new[] { e.Sequence.ToString(CultureInfo.InvariantCulture), e.Kind, Short(e.Type), e.Producer ?? string.Empty, Time(e.CreatedAt) })).TrimEnd();

    public static string Entry(JournalView entry) =>
        $"{entry.Sequence,4}  {Time(entry.CreatedAt)}  {entry.Kind,-8}  {Short(entry.Type)}{(entry.Producer is null ? string.Empty : " from " + entry.Producer)}  {entry.Payload?.ToJsonString()}";

    public static string Schedules(IReadOnlyList<ScheduleView> schedules) =>
        Table(["SCHEDULE", "WORKFLOW", "WHEN", "ZONE", "STATE", "NEXT", "LAST RUN"], schedules.Select(s => new[]
        {
            s.ScheduleId, s.Workflow, s.When, s.TimeZone, s.Paused ? "paused" : "active", s.NextDueAt is { } next ? Time(next) : "-", s.LastRunId ?? "-",
        })).TrimEnd();

    public static string Workflows(IReadOnlyList<WorkflowView> workflows) =>
        Table(["WORKFLOW", "RUNS"], workflows.Select(w => new[] { w.Name, w.Runs?.ToString(CultureInfo.InvariantCulture) ?? "-" })).TrimEnd();

    private static string Table(string[] headers, IEnumerable<string[]> rows)
    {
        List<string[]> all = [headers, .. rows];
        int[] widths = [.. Enumerable.Range(0, headers.Length).Select(i => all.Max(r => r[i].Length))];
        var text = new StringBuilder();
        foreach (string[] row in all)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Short(string type) => type.StartsWith('$') ? type : type[(type.LastIndexOfAny(['.', '+']) + 1)..];
}
