using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;

namespace HostedOrders;

/// <summary>
/// The same three orders as durable runs (<c>--durable</c>): started under one "place orders" span, so
/// every span of every run — whichever worker or process runs its steps — joins that trace.
/// </summary>
public sealed partial class DurableOrderProcessor(WorkflowRuntime runtime, IHostApplicationLifetime lifetime, ILogger<DurableOrderProcessor> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("HostedOrders");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OrderPlaced[] orders = [new("A-1", "BOOK-1", 2), new("A-2", "MUG-7", 3), new("A-3", "LAMP-9", 1)];
        var runs = new List<RunRecord>();
        using (Source.StartActivity("place orders"))
        {
            foreach (OrderPlaced order in orders)
            {
                runs.Add(await runtime.StartRunAsync<OrderFlow>(order, new DurableRunOptions { IdempotencyKey = order.OrderId }, stoppingToken));
            }
        }

        foreach (RunRecord run in runs)
        {
            OrderDone done = await runtime.WaitForResultAsync<OrderDone>(run.RunId, stoppingToken);
            LogOrderDone(logger, done.OrderId, done.Outcome, run.RunId);
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Outcome} (durable run {RunId})")]
    private static partial void LogOrderDone(ILogger logger, string orderId, string outcome, string runId);
}
