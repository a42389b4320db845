using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task Workers_bounds_how_many_invocations_of_a_step_overlap()
    {
        BurstDone done = await Within.Seconds(new WorkersFlow().RunAsync(new Burst(12)).Result);

        Assert.Equal(12, done.Jobs);
        Assert.Equal(3, done.MaxConcurrent);
    }

    [Fact]
    public async Task A_single_worker_step_handles_one_event_at_a_time()
    {
        BurstDone done = await Within.Seconds(new SingleWorkerFlow().RunAsync(new Burst(5)).Result);

        Assert.Equal(5, done.Jobs);
        Assert.Equal(1, done.MaxConcurrent);
    }

    [Fact]
    public async Task Synchronous_steps_with_several_workers_overlap_on_the_thread_pool()
    {
        BurstDone done = await Within.Seconds(new SyncWorkersFlow().RunAsync(new Burst(4)).Result);

        Assert.Equal(4, done.Jobs);
        Assert.Equal(2, done.MaxConcurrent);
    }

    [Fact]
    public async Task A_thousand_concurrent_runs_each_complete_with_their_own_result()
    {
        var flow = new CountingFlow();
        WorkflowHandler<Counted>[] handlers = Enumerable.Range(1, 1000).Select(i => flow.RunAsync(new Count(1 + (i % 5)))).ToArray();

        Counted[] results = await Within.Seconds(Task.WhenAll(handlers.Select(h => h.Result)));

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(1 + ((i + 1) % 5), results[i].Total);
        }

        Assert.Equal(1000, handlers.Select(h => h.RunId).Distinct().Count());
    }
}
