using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class SubWorkflowTests
{
    [Fact]
    public async Task A_step_runs_a_child_workflow_whose_events_and_questions_pass_through_the_parent()
    {
        ParentFlow.Handler handler = new ParentFlow().RunAsync(new ParentStart(5));
        var seen = new List<Event>();

        await foreach (Event ev in handler.StreamEvents())
        {
            seen.Add(ev);
            if (ev is ChildAsks asks)
            {
                // The parent's typed handle accepts the child's answer type.
                await handler.SendEventAsync(new ChildAnswer(asks.Value * 10));
            }
        }

        Assert.Equal([new Progress("parent starts child"), new Progress("child got 5"), new ChildAsks(5), new ParentDone(51)], seen);
    }

    [Fact]
    public async Task The_childs_failure_is_the_steps_failure()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Within.Seconds(new ParentFlow().RunAsync(new ParentStart(13)).Result));

        Assert.StartsWith("13 is unlucky", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_the_child()
    {
        var flow = new ParentFlow();
        ParentFlow.Handler handler = flow.RunAsync(new ParentStart(-1));
        await using (IAsyncEnumerator<Event> stream = handler.StreamEvents().GetAsyncEnumerator())
        {
            while (await stream.MoveNextAsync() && stream.Current is not Progress { Message: "child got -1" })
            {
            }

            handler.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        }

        Assert.True(await Within.Seconds(flow.ChildCancelled.Task));
    }

    [Fact]
    public void The_parents_graph_holds_the_childs()
    {
        GraphStep step = Assert.Single(ParentFlow.Graph.Steps);

        Assert.Same(ChildFlow.Graph, Assert.Single(step.Calls));
        string mermaid = ParentFlow.Graph.ToMermaid();
        Assert.Contains("    subgraph step_Delegate [\"Delegate\"]\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("        Delegate__ChildFlow__step_Work[\"Work\"]\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("        Delegate__ChildFlow__step_Work --> Delegate__ChildFlow__ask_ChildAsks\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    start_ParentStart --> step_Delegate\n", mermaid, StringComparison.Ordinal);
    }
}
