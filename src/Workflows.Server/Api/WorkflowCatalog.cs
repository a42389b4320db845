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
    private readonly FrozenDictionary<Type, Entry> _entries;
    private readonly WorkflowRuntime _runtime;

    public WorkflowCatalog(WorkflowRuntime runtime)
    {
        _runtime = runtime;

        // Every registered version: runs stored under an older one are read and drawn with it.
        _entries = runtime.AllVersions.ToFrozenDictionary(w => w.Type, Describe);
        All = [.. runtime.Workflows.Select(w => _entries[w.Type].Info)];
    }

    /// <summary>Every workflow new runs start on (the newest version of each name), in registration order.</summary>
    public IReadOnlyList<WorkflowInfo> All { get; }

    /// <summary>A workflow by name: the version new runs start on.</summary>
    public bool TryGet(string name, out RegisteredWorkflow workflow, out WorkflowInfo info) =>
        Found(_runtime.FindWorkflow(name), out workflow, out info);

    /// <summary>
    /// The registered version a stored run goes on under (the one it started under, which may be older
    /// than the one new runs start on): what reads its events and draws its graph.
    /// </summary>
    public bool TryGetFor(RunRecord run, out RegisteredWorkflow workflow, out WorkflowInfo info) =>
        Found(_runtime.FindWorkflow(run), out workflow, out info);

    /// <summary>A registered version of a workflow, the newest or one kept to finish its stored runs.</summary>
    public bool TryGetVersion(string name, int version, out RegisteredWorkflow workflow, out WorkflowInfo info) =>
        Found(_runtime.AllVersions.FirstOrDefault(w => w.Name == name && w.Version == version), out workflow, out info);

    /// <summary>The registered versions of a workflow, newest first.</summary>
    public IEnumerable<int> VersionsOf(string name) =>
        _runtime.AllVersions.Where(w => w.Name == name).Select(static w => w.Version).OrderDescending();

    /// <summary>The version of its workflow a stored run goes on under, or <see langword="null"/> when no registered version can resume it.</summary>
    public int? VersionOf(RunRecord run) => _runtime.FindWorkflow(run)?.Version;

    private bool Found(RegisteredWorkflow? found, out RegisteredWorkflow workflow, out WorkflowInfo info)
    {
        if (found is not null && _entries.TryGetValue(found.Type, out Entry? entry))
        {
            (workflow, info) = (entry.Workflow, entry.Info);
            return true;
        }

        (workflow, info) = (null!, null!);
        return false;
    }

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
