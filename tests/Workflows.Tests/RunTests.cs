using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class RunTests
{
    [Fact]
    public async Task A_linear_run_returns_its_typed_stop_event()
    {
        Finished result = await new LinearFlow().RunAsync(new Begin(20));

        Assert.Equal(41, result.Value);
    }

    [Fact]
    public async Task Every_step_shape_of_the_design_table_runs()
    {
        var flow = new ShapesFlow();

        ShapesDone done = await Within.Seconds(flow.RunAsync(new ShapesStart(0)).Result);

        Assert.Equal(9, done.Value);
        Assert.Contains("void 1", flow.SideEffects);
        Assert.Contains("valuetask 3", flow.SideEffects);
    }

    [Fact]
    public async Task A_synchronous_run_has_completed_when_RunAsync_returns()
    {
        // Without a SynchronizationContext (console, ASP.NET Core) synchronous steps run inline, with no thread hop.
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        WorkflowHandler<Finished> handler;
        try
        {
            handler = new LinearFlow().RunAsync(new Begin(1));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.True(handler.Result.IsCompletedSuccessfully);
        Assert.Equal(WorkflowRunStatus.Completed, handler.Status);
        Assert.Equal(3, (await handler).Value);
    }

    [Fact]
    public async Task Workflows_of_the_same_name_in_different_namespaces_are_distinct()
    {
        Flows.Alpha.Gone alpha = await new Flows.Alpha.SameName().RunAsync(new Flows.Alpha.Go());
        Flows.Beta.Gone beta = await new Flows.Beta.SameName().RunAsync(new Flows.Beta.Go());

        Assert.Equal("alpha", alpha.From);
        Assert.Equal("beta", beta.From);
    }

    [Fact]
    public async Task Nested_generic_and_static_workflow_classes_run()
    {
        Assert.Equal("inner", (await new Outer.InnerFlow().RunAsync(new Knock())).By);
        Assert.Equal("Int32", (await new Outer.Generic<int>.DeepFlow().RunAsync(new Knock())).By);
        Assert.Equal("static", (await StaticFlow.RunAsync(new Knock())).By);
    }

    [Fact]
    public void Each_run_has_its_own_id()
    {
        var flow = new LinearFlow();
        string first = flow.RunAsync(new Begin(1)).RunId;
        string second = flow.RunAsync(new Begin(1)).RunId;

        Assert.NotEqual(first, second);
        Assert.True(Guid.TryParse(first, out _), first);
    }

    [Fact]
    public async Task The_state_store_is_shared_by_the_steps_of_a_run()
    {
        Counted counted = await Within.Seconds(new CountingFlow().RunAsync(new Count(3)).Result);

        Assert.Equal(3, counted.Total);
    }

    [Fact]
#pragma warning disable xUnit1031 // Blocking on the result is the point: it is what deadlocks a careless engine.
    public void A_run_started_under_a_single_threaded_context_does_not_deadlock_when_blocked_on()
    {
        // The classic UI deadlock: a context that runs posts only on its own, now blocked, thread.
        var context = new BlockingSynchronizationContext();
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            WorkflowHandler<ShapesDone> handler = new ShapesFlow().RunAsync(new ShapesStart(0));
            Assert.True(handler.Result.Wait(Within.Limit), "the run deadlocked on the caller's context");
            Assert.Equal(9, handler.Result.Result.Value);
            Assert.Equal(0, context.Posts);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
#pragma warning restore xUnit1031

    private sealed class BlockingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => _posts;

        // Never runs anything: a run that posts here would hang, which the test would catch.
        public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posts);
    }
}
