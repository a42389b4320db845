using System.Globalization;
using System.Text;

namespace Workflows;

/// <summary>
/// Draws a <see cref="WorkflowGraph"/>. Steps are boxes; the StartEvent and StopEvent are rounded
/// terminals; events that leave for a human or come from one are parallelograms; step-to-step edges
/// are labelled with their event. A step that runs sub-workflows holds their graphs.
/// </summary>
internal static class GraphRenderer
{
    public static string Mermaid(WorkflowGraph graph)
    {
        var text = new StringBuilder("flowchart TD\n");
        WriteMermaid(text, graph, prefix: string.Empty, indent: "    ", [graph]);
        return text.ToString();
    }

    public static string Dot(WorkflowGraph graph)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"digraph \"{graph.WorkflowName}\" {{\n");
        text.Append("    rankdir=TB;\n");
        text.Append("    node [fontname=\"Helvetica\"];\n");
        WriteDot(text, graph, prefix: string.Empty, indent: "    ", [graph]);
        return text.Append("}\n").ToString();
    }

    private static void WriteMermaid(StringBuilder text, WorkflowGraph graph, string prefix, string indent, HashSet<WorkflowGraph> drawing)
    {
        foreach (GraphEvent ev in OutsideEvents(graph))
        {
            string shape = ev.Kind switch
            {
                EventKind.Start or EventKind.Stop => $"([\"{ev.Name}\"])",
                EventKind.InputRequired => $"[/\"{ev.Name}\"/]",
                _ => $"[\\\"{ev.Name}\"\\]",
            };
            text.Append(CultureInfo.InvariantCulture, $"{indent}{prefix}{EventNode(ev)}{shape}\n");
        }

        foreach (GraphStep step in graph.Steps)
        {
            List<WorkflowGraph> children = [.. step.Calls.Where(child => !drawing.Contains(child))];
            if (children.Count == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}{prefix}{StepNode(step.Name)}[\"{step.Name}\"]\n");
                continue;
            }

            // The step becomes a box holding the graphs it runs; edges to the step reach the box.
            text.Append(CultureInfo.InvariantCulture, $"{indent}subgraph {prefix}{StepNode(step.Name)} [\"{step.Name}\"]\n");
            text.Append(CultureInfo.InvariantCulture, $"{indent}    direction TB\n");
            foreach (WorkflowGraph child in children)
            {
                drawing.Add(child);
                WriteMermaid(text, child, $"{prefix}{Identifier(step.Name)}__{Identifier(child.WorkflowName)}__", indent + "    ", drawing);
                drawing.Remove(child);
            }

            text.Append(CultureInfo.InvariantCulture, $"{indent}end\n");
        }

        foreach (GraphEdge edge in graph.Edges)
        {
            string from = prefix + (edge.From is null ? EventNode(edge.Event) : StepNode(edge.From));
            string to = prefix + (edge.To is null ? EventNode(edge.Event) : StepNode(edge.To));
            string label = edge.From is not null && edge.To is not null ? $"|\"{EdgeText(graph, edge)}\"|" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"{indent}{from} -->{label} {to}\n");
        }
    }

    private static void WriteDot(StringBuilder text, WorkflowGraph graph, string prefix, string indent, HashSet<WorkflowGraph> drawing)
    {
        foreach (GraphEvent ev in OutsideEvents(graph))
        {
            string shape = ev.Kind is EventKind.Start or EventKind.Stop ? "oval" : "parallelogram";
            text.Append(CultureInfo.InvariantCulture, $"{indent}\"{prefix}{EventNode(ev)}\" [label=\"{ev.Name}\", shape={shape}];\n");
        }

        foreach (GraphStep step in graph.Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}\"{prefix}{StepNode(step.Name)}\" [label=\"{step.Name}\", shape=box];\n");
            foreach (WorkflowGraph child in step.Calls.Where(child => !drawing.Contains(child)))
            {
                string childPrefix = $"{prefix}{Identifier(step.Name)}__{Identifier(child.WorkflowName)}__";
                text.Append(CultureInfo.InvariantCulture, $"{indent}subgraph \"cluster_{childPrefix}\" {{\n");
                text.Append(CultureInfo.InvariantCulture, $"{indent}    label=\"{child.WorkflowName}\";\n");
                drawing.Add(child);
                WriteDot(text, child, childPrefix, indent + "    ", drawing);
                drawing.Remove(child);
                text.Append(CultureInfo.InvariantCulture, $"{indent}}}\n");
                text.Append(CultureInfo.InvariantCulture, $"{indent}\"{prefix}{StepNode(step.Name)}\" -> \"{childPrefix}{EventNode(child.StartEvent)}\" [style=dashed, label=\"runs\"];\n");
            }
        }

        foreach (GraphEdge edge in graph.Edges)
        {
            string from = prefix + (edge.From is null ? EventNode(edge.Event) : StepNode(edge.From));
            string to = prefix + (edge.To is null ? EventNode(edge.Event) : StepNode(edge.To));
            string label = edge.From is not null && edge.To is not null ? $" [label=\"{EdgeText(graph, edge)}\"]" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"{indent}\"{from}\" -> \"{to}\"{label};\n");
        }
    }

    /// <summary>An edge's label: its event, "each" one out of a fan-out, "all" of them into a join.</summary>
    private static string EdgeText(WorkflowGraph graph, GraphEdge edge)
    {
        // A step's failure goes to its handler as one event, whatever the step returns.
        bool fansOut = edge.Event.Kind != EventKind.StepFailed && graph.Steps.Any(s => s.FansOut && s.Name == edge.From);
        bool joins = graph.Steps.Any(s => s.Joins && s.Name == edge.To);
        return (fansOut, joins) switch
        {
            (true, true) => $"each {edge.Event.Name}, all joined",
            (true, false) => $"each {edge.Event.Name}",
            (false, true) => $"all {edge.Event.Name}",
            _ => edge.Event.Name,
        };
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
