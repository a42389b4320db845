using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows.Durable.Tests.Flows;
using Workflows.Hosting;
using Workflows.Sqlite;

namespace Workflows.Durable.Tests;

/// <summary>Durable workflows through Microsoft.Extensions.Hosting: AddWorkflows().UseSqlite(...).AddDurableWorkflow&lt;T&gt;().</summary>
public class HostingTests
{
    [Fact]
    public async Task A_host_runs_durable_workflows_resolved_from_a_scope_per_delivery()
    {
        using var store = new TempStore();
        using IHost host = Build(store.Path);
        await host.StartAsync();
        var runtime = host.Services.GetRequiredService<WorkflowRuntime>();
        int disposedBefore = Stamp.Disposed;

        RunRecord run = await runtime.StartRunAsync<InjectedDurableFlow>(new Greet("ana"));
        Greeted greeted = await runtime.WaitForResultAsync<Greeted>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.StartsWith("hello ana (stamp ", greeted.Text, StringComparison.Ordinal);
        Assert.True(Stamp.Disposed > disposedBefore, "The delivery's scope was not disposed.");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_restarted_host_resumes_the_runs_the_previous_one_left_waiting()
    {
        using var store = new TempStore();
        string runId;
        using (IHost first = Build(store.Path))
        {
            await first.StartAsync();
            var runtime = first.Services.GetRequiredService<WorkflowRuntime>();
            runId = (await runtime.StartRunAsync<SupportFlow>(new Ticket("resume me"))).RunId;
            await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.WaitingForInput);
            await first.StopAsync();
        }

        using IHost second = Build(store.Path);
        await second.StartAsync();
        var resumed = second.Services.GetRequiredService<WorkflowRuntime>();
        await resumed.SendEventAsync(runId, new AgentReply("resumed"));

        Assert.Equal("resumed", (await resumed.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit)).Text);
        await second.StopAsync();
    }

    private static IHost Build(string path)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddScoped<Stamp>();
        builder.Services.AddWorkflows()
            .UseSqlite(path, options => options.PollInterval = TimeSpan.FromMilliseconds(50))
            .AddDurableWorkflow<InjectedDurableFlow>(GreetJson.Default)
            .AddDurableWorkflow<SupportFlow>(TestJson.Default);
        return builder.Build();
    }
}
