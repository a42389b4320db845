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

    public WorkflowCatalog(WorkflowRuntime runtime)
    {
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
            graph.ToMermaid());
        return new Entry(workflow, info);
    }

    private static EventInfo EventOf(RegisteredWorkflow workflow, GraphEvent ev)
    {
        JsonNode schema = workflow.GetJsonTypeInfo(ev.Type).GetJsonSchemaAsNode(SchemaOptions);
        return new EventInfo(ev.Name, ev.Type.FullName ?? ev.Name, schema);
    }

    private sealed record Entry(RegisteredWorkflow Workflow, WorkflowInfo Info);
}
