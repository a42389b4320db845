using System.Globalization;
using System.Text;

namespace Workflows;

/// <summary>
/// Draws a <see cref="WorkflowGraph"/>. Steps are boxes; the StartEvent and StopEvent are rounded
/// terminals; events that leave for a human or come from one are parallelograms; step-to-step edges
/// are labelled with their event.
/// </summary>
internal static class GraphRenderer
{
    public static string Mermaid(WorkflowGraph graph)
    {
        var text = new StringBuilder();
        text.Append("flowchart TD\n");
        foreach (GraphEvent ev in OutsideEvents(graph))
        {
            string shape = ev.Kind switch
            {
                EventKind.Start or EventKind.Stop => $"([\"{ev.Name}\"])",
                EventKind.InputRequired => $"[/\"{ev.Name}\"/]",
                _ => $"[\\\"{ev.Name}\"\\]",
            };
            text.Append(CultureInfo.InvariantCulture, $"    {EventNode(ev)}{shape}\n");
        }

        foreach (GraphStep step in graph.Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {StepNode(step.Name)}[\"{step.Name}\"]\n");
        }

        foreach (GraphEdge edge in graph.Edges)
        {
            string from = edge.From is null ? EventNode(edge.Event) : StepNode(edge.From);
            string to = edge.To is null ? EventNode(edge.Event) : StepNode(edge.To);
            string label = edge.From is not null && edge.To is not null ? $"|\"{edge.Event.Name}\"|" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"    {from} -->{label} {to}\n");
        }

        return text.ToString();
    }

    public static string Dot(WorkflowGraph graph)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"digraph \"{graph.WorkflowName}\" {{\n");
        text.Append("    rankdir=TB;\n");
        text.Append("    node [fontname=\"Helvetica\"];\n");
        foreach (GraphEvent ev in OutsideEvents(graph))
        {
            string shape = ev.Kind is EventKind.Start or EventKind.Stop ? "oval" : "parallelogram";
            text.Append(CultureInfo.InvariantCulture, $"    \"{EventNode(ev)}\" [label=\"{ev.Name}\", shape={shape}];\n");
        }

        foreach (GraphStep step in graph.Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"    \"{StepNode(step.Name)}\" [label=\"{step.Name}\", shape=box];\n");
        }

        foreach (GraphEdge edge in graph.Edges)
        {
            string from = edge.From is null ? EventNode(edge.Event) : StepNode(edge.From);
            string to = edge.To is null ? EventNode(edge.Event) : StepNode(edge.To);
            string label = edge.From is not null && edge.To is not null ? $" [label=\"{edge.Event.Name}\"]" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"    \"{from}\" -> \"{to}\"{label};\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>The events drawn as nodes of their own: those entering or leaving the workflow.</summary>
    private static List<GraphEvent> OutsideEvents(WorkflowGraph graph)
    {
        var events = new List<GraphEvent>();
        foreach (GraphEdge edge in graph.Edges)
        {
            if ((edge.From is null || edge.To is null) && !events.Contains(edge.Event))
            {
                events.Add(edge.Event);
            }
        }

        return events;
    }

    private static string StepNode(string name) => "step_" + Identifier(name);

    private static string EventNode(GraphEvent ev) => ev.Kind switch
    {
        EventKind.Start => "start_",
        EventKind.Stop => "stop_",
        EventKind.InputRequired => "ask_",
        _ => "input_",
    } + Identifier(ev.Name);

    private static string Identifier(string name)
    {
        var id = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return id.ToString();
    }
}
