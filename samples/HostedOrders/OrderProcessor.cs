using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Hosting;

namespace HostedOrders;

/// <summary>A hosted service that processes three orders through the runner, then stops the app.</summary>
public sealed partial class OrderProcessor(IWorkflowRunner runner, IHostApplicationLifetime lifetime, ILogger<OrderProcessor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OrderPlaced[] orders = [new("A-1", "BOOK-1", 2), new("A-2", "MUG-7", 3), new("A-3", "LAMP-9", 1)];
        OrderFlow.Handler[] runs =
        [
            .. orders.Select(order => runner.For<OrderFlow>().Start((flow, options) => flow.RunAsync(order, options, stoppingToken))),
        ];

        foreach (OrderFlow.Handler run in runs)
        {
            OrderDone done = await run;
            LogOrderDone(logger, done.OrderId, done.Outcome);
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Outcome}")]
    private static partial void LogOrderDone(ILogger logger, string orderId, string outcome);
}
