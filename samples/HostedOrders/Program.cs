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

// OpenTelemetry: the "Workflows" source and meter, printed to the console; also sent over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT points at a collector.
bool otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
ResourceBuilder resource = ResourceBuilder.CreateDefault().AddService("HostedOrders");
TracerProviderBuilder tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(resource)
    .AddSource(WorkflowTelemetry.Name, DurableOrderProcessor.Source.Name)
    .AddProcessor(new SimpleActivityExportProcessor(new ConsoleSpanExporter()));
MeterProviderBuilder metrics = Sdk.CreateMeterProviderBuilder()
    .SetResourceBuilder(resource)
    .AddMeter(WorkflowTelemetry.Name)
    .AddReader(new PeriodicExportingMetricReader(new ConsoleMetricExporter(), exportIntervalMilliseconds: 60_000));
if (otlp)
{
    tracing.AddOtlpExporter();
    metrics.AddOtlpExporter();
}

// Built by the container, so it disposes them at shutdown, which flushes the last spans and metrics.
builder.Services.AddSingleton(_ => tracing.Build());
builder.Services.AddSingleton(_ => metrics.Build());

using IHost host = builder.Build();
_ = host.Services.GetRequiredService<TracerProvider>();
_ = host.Services.GetRequiredService<MeterProvider>();
await host.RunAsync();
