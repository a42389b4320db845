using HostedOrders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Workflows.Diagnostics;
using Workflows.Hosting;

namespace Tour.Hosting;

public sealed class WarehouseStock : IStock
{
    public void Reserve(string sku, int quantity)
    {
    }
}

public static class Registration
{
    public static void AddOrders(HostApplicationBuilder builder)
    {
        builder.Services.AddScoped<IStock, WarehouseStock>();
        builder.Services.AddWorkflow<OrderFlow>();          // OrderFlow(IPriceCatalog catalog, IStock stock)
    }

    public static void AddTelemetry(HostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(WorkflowTelemetry.Name).AddConsoleExporter())
            .WithMetrics(metrics => metrics.AddMeter(WorkflowTelemetry.Name).AddConsoleExporter());
    }
}

// in a controller or hosted service
public sealed class Orders(IWorkflowRunner runner)
{
    public OrderFlow.Handler Place(OrderPlaced order) =>
        runner.For<OrderFlow>().Start((flow, options) => flow.RunAsync(order, options));
}
