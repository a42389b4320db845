using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class RoutingTests
{
    [Fact]
    public async Task An_event_goes_to_every_step_that_accepts_it_including_base_type_steps()
    {
        var flow = new RoutingFlow();

        Shipped shipped = await flow.RunAsync(new Order("book"));

        Assert.Equal("shipped Dune", shipped.Summary);
        Assert.Equal(["item:Dune", "book:Dune"], flow.Seen);
    }

    [Fact]
    public async Task A_subtype_reaches_only_the_steps_whose_type_it_derives_from()
    {
        var flow = new RoutingFlow();

        Shipped shipped = await flow.RunAsync(new Order("song"));

        Assert.Equal("shipped Aria", shipped.Summary);
        Assert.Equal(["item:Aria"], flow.Seen);
    }

    [Fact]
    public async Task An_event_no_step_accepts_fails_the_run_naming_it()
    {
        WorkflowHandler<Nudged> handler = new UnroutedFlow().RunAsync(new Nudge(1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Within.Seconds(handler.Result));
        Assert.Equal(
            "Step 'Start' produced 'Stray', but no step of workflow 'UnroutedFlow' accepts it. Add a step that takes it, or declare it with [Emits(typeof(Stray))] so the analyzers check the graph.",
            error.Message);
        Assert.Equal(WorkflowRunStatus.Failed, handler.Status);
    }

    [Fact]
    public async Task A_run_that_can_make_no_progress_fails_as_stalled_instead_of_hanging()
    {
        WorkflowHandler<Nudged> handler = new StallingFlow().RunAsync(new Nudge(1));

        var error = await Assert.ThrowsAsync<WorkflowStalledException>(() => Within.Seconds(handler.Result));
        Assert.Contains("stalled", error.Message, StringComparison.Ordinal);
        Assert.Contains("The last step to produce nothing was 'Start' (it returned no event).", error.Message, StringComparison.Ordinal);
        Assert.Equal("StallingFlow", error.WorkflowName);
    }

    [Fact]
    public async Task A_failing_step_fails_the_run_with_its_own_exception()
    {
        WorkflowHandler<Nudged> handler = new FailingFlow().RunAsync(new Nudge(7));

        var error = await Assert.ThrowsAsync<FormatException>(() => Within.Seconds(handler.Result));
        Assert.Equal("bad value 7", error.Message);
        Assert.Equal(WorkflowRunStatus.Failed, handler.Status);
    }
}
