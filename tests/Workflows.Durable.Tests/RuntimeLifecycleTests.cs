using Microsoft.Extensions.Time.Testing;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>What a runtime allows when, and whose clock it waits on.</summary>
public sealed class RuntimeLifecycleTests
{
    [Fact]
    public async Task Registering_after_the_runtime_started_is_refused_and_changes_nothing()
    {
        using var store = new TempStore();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        var error = Assert.Throws<InvalidOperationException>(() => runtime.Register(() => new InjectedDurableFlow(new Stamp()), GreetJson.Default));

        Assert.Equal(
            "Workflow 'InjectedDurableFlow' cannot be registered: this runtime has started. Register every workflow before StartAsync (AddDurableWorkflow<T> does, with hosting).",
            error.Message);
        Assert.Null(runtime.FindWorkflow("InjectedDurableFlow"));
    }

    [Fact]
    public async Task Waiting_for_a_run_another_process_finishes_polls_on_the_runtime_s_clock()
    {
        using var store = new TempStore();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime watcher = await store.StartRuntimeAsync(options =>
        {
            options.RunWorkers = false;
            options.TimeProvider = clock;
        });
        RunRecord run = await worker.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(worker, run.RunId, WorkflowRunStatus.WaitingForInput);

        Task<RunRecord> waiting = watcher.WaitForCompletionAsync(run.RunId);
        await worker.SendEventAsync(run.RunId, new AgentReply("done"));
        await worker.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);

        // Nothing in the watcher's process changed the run, so only its poll, on its own clock, can see the end.
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WorkflowRunStatus.Completed, (await waiting.WaitAsync(TempStore.Limit)).Status);
    }
}
