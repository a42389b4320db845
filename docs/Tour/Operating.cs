using HostedOrders;
using Workflows;
using Workflows.Durable;

namespace Tour.Operating;

public sealed record Chunk(string Text) : StartEvent;
public sealed record Summary(string Text) : StopEvent;
public sealed record Invoice(string CustomerId, decimal Amount) : StartEvent;
public sealed record Invoiced(string CustomerId) : StopEvent;
public sealed record Hire(string Name) : StartEvent;
public sealed record Onboarded(string Name) : StopEvent;
public sealed record ReportRequested(string Report) : StartEvent;
public sealed record ReportSent(string Report) : StopEvent;
public sealed record Shipment(string OrderId) : StartEvent;
public sealed record Dispatched(string OrderId) : StopEvent;

public static class Controls
{
    public static async Task OperateAsync(WorkflowRuntime runtime, string runId)
    {
        await runtime.SuspendAsync(runId);   // status Suspended: nothing of it is claimed; steps already running finish
        await runtime.ResumeAsync(runId);    // timers and deadlines that came due meanwhile fire now; answers sent meanwhile are kept
        await runtime.RetryAsync(runId);     // a Failed run runs again from the step that failed, with fresh attempts
        await runtime.ActingAs("ana@example.com").RetryAsync(runId);   // journaled as asked by ana (default: this process's WorkerId)
    }

    public static async Task TagAsync(WorkflowRuntime runtime, OrderPlaced order)
    {
        await runtime.StartRunAsync<OrderFlow>(order, new DurableRunOptions { Tags = new Dictionary<string, string> { ["customer"] = "acme" } });
    }
}

[Workflow]
public partial class DispatchFlow
{
    [Step]
    public static Dispatched Dispatch(Shipment shipment, WorkflowContext ctx)
    {
        ctx.SetTag("carrier", "dhl");   // in a step: kept once the step commits (in memory: a span tag workflow.tag.carrier)
        return new(shipment.OrderId);
    }
}

public static class Finding
{
    public static async Task<RunPage> FindAsync(WorkflowRuntime runtime, DateTimeOffset since)
    {
        RunPage acme = await runtime.ListRunsAsync(new RunQuery { Tags = new Dictionary<string, string> { ["customer"] = "acme" }, CreatedAfter = since });
        return acme;
    }

    public static async Task<int> PurgeAsync(WorkflowRuntime runtime, PurgeQuery query)
    {
        int deleted = await runtime.PurgeAsync(new PurgeQuery { Status = WorkflowRunStatus.Completed, FinishedBefore = DateTimeOffset.UtcNow.AddDays(-30) });
        await runtime.ActingAs("janitor").PurgeAsync(query, new Progress<int>(n => Console.WriteLine($"{n} deleted")));
        return deleted;
    }
}

[Workflow]
public partial class DocFlow
{
    [Step(Queue = "llm", Workers = 8)]
    public static async Task<Summary> Summarize(Chunk chunk, CancellationToken ct) => await Task.FromResult(new Summary(chunk.Text[..Math.Min(20, chunk.Text.Length)]));
}

[Workflow]
public partial class InvoiceFlow
{
    [Step(Queue = "billing")]
    public static Invoiced Bill(Invoice invoice) => new(invoice.CustomerId);
}

[Workflow]
public partial class OnboardingFlow
{
    [Step]
    public static Onboarded Welcome(Hire hire) => new(hire.Name);
}

[Workflow]
public partial class ReportFlow
{
    [Step]
    public static ReportSent Send(ReportRequested request) => new(request.Report);
}

public static class FlowControl
{
    public static async Task ConfigureAsync(WorkflowRuntimeOptions options, WorkflowRuntime runtime, Invoice invoice)
    {
        options.Queues["llm"] = new QueueOptions { Concurrency = 4, WorkerConcurrency = 2, RateLimit = 60, RatePeriod = TimeSpan.FromMinutes(1) };
        options.Queues["billing"] = new QueueOptions { Concurrency = 1, Partitioned = true };   // one at a time per customer
        await runtime.StartRunAsync<InvoiceFlow>(invoice, new DurableRunOptions { PartitionKey = invoice.CustomerId, Priority = 10 });
    }

    public static async Task<RunRecord> LimitAsync(WorkflowRuntimeOptions options, WorkflowRuntime runtime, Hire hire)
    {
        options.MaxConcurrentRuns["OnboardingFlow"] = 5;
        RunRecord run = await runtime.StartRunAsync<OnboardingFlow>(hire);   // run.Status: Queued; a worker starts it when there is room
        return run;
    }

    public static async Task ScheduleAsync(WorkflowRuntime runtime)
    {
        await runtime.ScheduleAsync<ReportFlow>("nightly-report", new ReportRequested("sales"), new ScheduleSpec
        {
            Cron = "0 2 * * *", TimeZone = "Europe/Berlin",
            Overlap = ScheduleOverlap.Skip,        // or BufferOne (one kept until the last run ends), Allow
            CatchUp = ScheduleCatchUp.Latest,      // after downtime: Skip (none over a minute late), Latest, All (within CatchUpWindow)
        });
        await runtime.PauseScheduleAsync("nightly-report");    // ResumeScheduleAsync continues from the next occurrence
        IReadOnlyList<ScheduleRecord> all = await runtime.ListSchedulesAsync();
        await runtime.DeleteScheduleAsync("nightly-report");   // the runs it started are kept
        Console.WriteLine($"{all.Count} schedule(s)");
    }
}
