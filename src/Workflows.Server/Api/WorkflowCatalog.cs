using System.Collections.Frozen;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Workflows.Durable;

namespace Workflows.Server.Api;

/// <summary>
/// What the API says about each registered workflow, built once: its graph, and the JSON schema of
/// every event a client sends or receives, exported from the very contract the runs store events with.
/// </summary>
internal sealed class WorkflowCatalog
{
    private static readonly JsonSchemaExporterOptions SchemaOptions = new() { TreatNullObliviousAsNonNullable = true };
    private readonly FrozenDictionary<string, Entry> _entries;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Entry> _olderVersions = new();
    private readonly WorkflowRuntime _runtime;

    public WorkflowCatalog(WorkflowRuntime runtime)
    {
        _runtime = runtime;
        _entries = runtime.Workflows.ToFrozenDictionary(w => w.Name, Describe, StringComparer.Ordinal);
        All = [.. runtime.Workflows.Select(w => _entries[w.Name].Info)];
    }

    /// <summary>Every workflow, in registration order.</summary>
    public IReadOnlyList<WorkflowInfo> All { get; }

    public bool TryGet(string name, out RegisteredWorkflow workflow, out WorkflowInfo info)
    {
        if (_entries.TryGetValue(name, out Entry? entry))
        {
            (workflow, info) = (entry.Workflow, entry.Info);
            return true;
        }

        (workflow, info) = (null!, null!);
        return false;
    }

    /// <summary>
    /// The registered version a stored run goes on under (the one it started under, which may be older
    /// than the one new runs start on): what reads its events and draws its graph.
    /// </summary>
    public bool TryGetFor(RunRecord run, out RegisteredWorkflow workflow, out WorkflowInfo info)
    {
        if (_runtime.FindWorkflow(run) is { } version)
        {
            return TryGetVersion(version.Name, version.Version, out workflow, out info);
        }

        (workflow, info) = (null!, null!);
        return false;
    }

    /// <summary>A registered version of a workflow, the newest or one kept to finish its stored runs.</summary>
    public bool TryGetVersion(string name, int version, out RegisteredWorkflow workflow, out WorkflowInfo info)
    {
        if (_runtime.AllVersions.FirstOrDefault(w => w.Name == name && w.Version == version) is { } found)
        {
            Entry entry = _entries.TryGetValue(name, out Entry? newest) && newest.Workflow.Type == found.Type
                ? newest
                : _olderVersions.GetOrAdd(found.Type, _ => Describe(found));
            (workflow, info) = (entry.Workflow, entry.Info);
            return true;
        }

        (workflow, info) = (null!, null!);
        return false;
    }

    /// <summary>The registered versions of a workflow, newest first.</summary>
    public IEnumerable<int> VersionsOf(string name) =>
        _runtime.AllVersions.Where(w => w.Name == name).Select(static w => w.Version).OrderDescending();

    /// <summary>The version of its workflow a stored run goes on under, or <see langword="null"/> when no registered version can resume it.</summary>
    public int? VersionOf(RunRecord run) => _runtime.FindWorkflow(run)?.Version;

    /// <summary>The schema of one of a workflow's input events.</summary>
    public EventInfo Input(string workflow, GraphEvent ev) =>
        _entries[workflow].Info.InputEvents.First(e => e.Type == ev.Type.FullName);

    private static Entry Describe(RegisteredWorkflow workflow)
    {
        WorkflowGraph graph = workflow.Graph;
        var info = new WorkflowInfo(
            workflow.Name,
            workflow.Fingerprint,
            EventOf(workflow, graph.StartEvent),
            EventOf(workflow, graph.StopEvent),
            [.. workflow.InputEvents.Select(e => EventOf(workflow, e))],
            [.. graph.Steps.Select(s => new StepInfo(s.Name, s.Accepts.Name, [.. s.Produces.Select(p => p.Name)]))],
            graph.ToMermaid())
        {
            Version = workflow.Version,
        };
        return new Entry(workflow, info);
    }

    private static EventInfo EventOf(RegisteredWorkflow workflow, GraphEvent ev)
    {
        JsonNode schema = workflow.GetJsonTypeInfo(ev.Type).GetJsonSchemaAsNode(SchemaOptions);
        return new EventInfo(ev.Name, ev.Type.FullName ?? ev.Name, schema);
    }

    private sealed record Entry(RegisteredWorkflow Workflow, WorkflowInfo Info);
}
