using Workflows.Tests.Flows;

namespace Workflows.Tests;

public class GraphTests
{
    [Fact]
    public void The_graph_lists_steps_events_and_edges_computed_at_compile_time()
    {
        WorkflowGraph graph = ApprovalByEventsFlow.Graph;

        Assert.Equal("ApprovalByEventsFlow", graph.WorkflowName);
        Assert.Equal(["Ask", "Decide"], graph.Steps.Select(s => s.Name));
        Assert.Equal(typeof(Draft), graph.StartEvent.Type);
        Assert.Equal(typeof(Decided), graph.StopEvent.Type);
        Assert.Equal(
            ["(outside) -[Draft]-> Ask", "(outside) -[Verdict]-> Decide", "Ask -[ReviewRequested]-> (outside)", "Decide -[Decided]-> (outside)"],
            graph.Edges.Select(e => e.ToString()));
    }

    [Fact]
    public void ToMermaid_draws_the_graph()
    {
        Assert.Equal(
            """
            flowchart TD
                start_Draft(["Draft"])
                input_Verdict[\"Verdict"\]
                ask_ReviewRequested[/"ReviewRequested"/]
                stop_Decided(["Decided"])
                step_Ask["Ask"]
                step_Decide["Decide"]
                start_Draft --> step_Ask
                input_Verdict --> step_Decide
                step_Ask --> ask_ReviewRequested
                step_Decide --> stop_Decided

            """.ReplaceLineEndings("\n"),
            ApprovalByEventsFlow.Graph.ToMermaid());
    }

    [Fact]
    public void ToDot_draws_the_graph_with_labelled_step_edges()
    {
        string dot = LinearFlow.Graph.ToDot();

        Assert.StartsWith("digraph \"LinearFlow\" {\n", dot, StringComparison.Ordinal);
        Assert.Contains("    \"step_Twice\" -> \"step_Increment\" [label=\"Doubled\"];\n", dot, StringComparison.Ordinal);
        Assert.Contains("    \"start_Begin\" -> \"step_Twice\";\n", dot, StringComparison.Ordinal);
        Assert.EndsWith("}\n", dot, StringComparison.Ordinal);
    }
}
