using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Cli;

/// <summary>A run, as the tool shows it, whichever the source.</summary>
public sealed record RunView(string RunId, string Workflow, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Error, IReadOnlyDictionary<string, string>? Tags, string? ParentRunId);

/// <summary>A page of runs.</summary>
public sealed record RunListView(IReadOnlyList<RunView> Runs, int Total);

/// <summary>A journal entry.</summary>
public sealed record JournalView(long Sequence, string Kind, string Type, string? Producer, DateTimeOffset CreatedAt, JsonNode? Payload);

/// <summary>A schedule.</summary>
public sealed record ScheduleView(string ScheduleId, string Workflow, string When, string TimeZone, bool Paused, DateTimeOffset? NextDueAt, string? LastRunId);

/// <summary>A workflow the source knows.</summary>
public sealed record WorkflowView(string Name, int? Runs, string? Graph);

/// <summary>What a purge deleted.</summary>
public sealed record PurgeView(int Deleted);

/// <summary>Which runs to list.</summary>
public sealed record RunFilter(string? Workflow, string? Status, IReadOnlyDictionary<string, string>? Tags, int Limit);

/// <summary>Which finished runs to purge.</summary>
public sealed record PurgeFilter(string? Workflow, string? Status, DateTimeOffset? FinishedBefore);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(RunListView))]
[JsonSerializable(typeof(IReadOnlyList<JournalView>))]
[JsonSerializable(typeof(JournalView))]
[JsonSerializable(typeof(IReadOnlyList<ScheduleView>))]
[JsonSerializable(typeof(IReadOnlyList<WorkflowView>))]
[JsonSerializable(typeof(WorkflowView))]
[JsonSerializable(typeof(PurgeView))]
internal sealed partial class CliJson : JsonSerializerContext;
