using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class FanOutTests
{
    [Fact]
    public async Task Each_join_gets_the_items_of_its_own_fan_out_in_order_with_retries_and_handlers_on_the_branches()
    {
        SurveyDone done = await Within.Seconds(new NestedFanOutFlow().RunAsync(new Survey([3, 0, 2, 1], BrokenGroup: 0, BrokenItem: 2)).Result);

        Assert.Equal("[0.0, 0.1 (retried), 0.2 (item 0.2 is broken)] | [] | [2.0, 2.1 (retried)] | [3.0]", done.Summary);
    }

    [Fact]
    public async Task An_empty_fan_out_runs_its_join_with_an_empty_list()
    {
        SurveyDone done = await Within.Seconds(new NestedFanOutFlow().RunAsync(new Survey([])).Result);

        Assert.Equal(string.Empty, done.Summary);
    }

    [Fact]
    public async Task Branches_on_several_workers_finish_in_any_order_and_the_join_keeps_the_fan_outs_order()
    {
        BatchDone done = await Within.Seconds(new ParallelFanOutFlow().RunAsync(new Batch(12)).Result);

        Assert.Equal(Enumerable.Range(0, 12), done.Order);
        Assert.Equal(3, done.MaxConcurrent);
    }

    [Fact]
    public async Task Many_runs_at_once_each_join_only_their_own_items()
    {
        var flow = new NestedFanOutFlow();
        WorkflowHandler<SurveyDone>[] runs = [.. Enumerable.Range(0, 200).Select(i => flow.RunAsync(new Survey([i % 3, 1])))];

        SurveyDone[] results = await Within.Seconds(Task.WhenAll(runs.Select(r => r.Result)));

        for (int i = 0; i < results.Length; i++)
        {
            string first = (i % 3) switch { 0 => "[]", 1 => "[0.0]", _ => "[0.0, 0.1 (retried)]" };
            Assert.Equal($"{first} | [1.0]", results[i].Summary);
        }
    }

    [Fact]
    public async Task A_branch_that_produces_nothing_stalls_the_run_and_the_error_names_the_join_and_its_fan_out()
    {
        var error = await Assert.ThrowsAsync<WorkflowStalledException>(() => Within.Seconds(new ParallelFanOutFlow().RunAsync(new Batch(4, Silent: 2)).Result));

        Assert.Contains("Step 'Join' has 3 of the 4 item(s) of the fan-out by step 'Split'; a branch ended without producing its item.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_branch_sends_with_ctx_Send_after_an_await_stays_in_its_branch()
    {
        BatchDone done = await Within.Seconds(new SentBranchFlow().RunAsync(new Batch(6)).Result);

        Assert.Equal(Enumerable.Range(0, 6), done.Order);
    }

    [Fact]
    public async Task A_list_holding_a_null_fails_the_run_naming_the_step_and_the_item()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Within.Seconds(new NullItemFlow().RunAsync(new Batch(2)).Result));

        Assert.Equal("Step 'Split' of workflow 'NullItemFlow' returned a list whose item 1 is null; every item of a fan-out is an event to route. Leave it out of the list instead.", error.Message);
    }

    [Fact]
    public void The_graph_shows_the_fan_out_and_the_join_as_steps_of_their_item_type_and_draws_each_and_all()
    {
        WorkflowGraph graph = NestedFanOutFlow.Graph;

        Assert.Equal(("Group", true, false), (graph.Steps.Single(s => s.Name == "Groups").Produces.Single().Name, graph.Steps.Single(s => s.Name == "Groups").FansOut, graph.Steps.Single(s => s.Name == "Groups").Joins));
        Assert.Equal(("ItemDone", false, true), (graph.Steps.Single(s => s.Name == "Gather").Accepts.Name, graph.Steps.Single(s => s.Name == "Gather").FansOut, graph.Steps.Single(s => s.Name == "Gather").Joins));
        string mermaid = graph.ToMermaid();
        Assert.Contains("step_Groups -->|\"each Group\"| step_Split", mermaid, StringComparison.Ordinal);
        Assert.Contains("step_Split -->|\"each SurveyItem\"| step_Work", mermaid, StringComparison.Ordinal);
        Assert.Contains("step_Work -->|\"StepFailedEvent\"| step_Fallback", mermaid, StringComparison.Ordinal);
        Assert.Contains("step_Fallback -->|\"all ItemDone\"| step_Gather", mermaid, StringComparison.Ordinal);
        Assert.Contains("step_Gather -->|\"all GroupDone\"| step_All", mermaid, StringComparison.Ordinal);
        Assert.Contains("\"step_Groups\" -> \"step_Split\" [label=\"each Group\"];", graph.ToDot(), StringComparison.Ordinal);
    }
}
