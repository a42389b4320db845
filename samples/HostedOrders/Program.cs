using HostedOrders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Workflows.Diagnostics;
using Workflows.Hosting;
using Workflows.Sqlite;

// dotnet run --project samples/HostedOrders [-- --durable]
// appsettings.json sits beside the program, wherever it is run from.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
bool durable = args.Contains("--durable");

// The workflow and what its constructor needs: a singleton catalog, a stock service scoped to each run.
builder.Services.AddSingleton<IPriceCatalog, FlakyCatalog>();
builder.Services.AddScoped<IStock, ScopedStock>();
if (durable)
{
    // Durable runs in a SQLite file, new for each run of the sample; the runtime logs under Workflows.Durable.
    string database = Path.Combine(Path.GetTempPath(), "hosted-orders.db");
    foreach (string file in new[] { database, database + "-wal", database + "-shm" })
    {
        File.Delete(file);
    }

    builder.Services.AddWorkflows()
        .UseSqlite(database)
        .AddDurableWorkflow<OrderFlow>(OrderJson.Default);
    builder.Services.AddHostedService<DurableOrderProcessor>();
}
else
{
    builder.Services.AddWorkflow<OrderFlow>();
    builder.Services.AddHostedService<OrderProcessor>();
}

// OpenTelemetry: the "Workflows" source and meter, printed by the console exporters; also sent over
// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT points at a collector. The host flushes both at shutdown.
OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("HostedOrders"))
    .WithTracing(tracing => tracing
        .AddSource(WorkflowTelemetry.Name, DurableOrderProcessor.Source.Name)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(WorkflowTelemetry.Name)
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000));
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
{
    telemetry.UseOtlpExporter();
}

using IHost host = builder.Build();
await host.RunAsync();
