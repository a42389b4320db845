using Microsoft.Extensions.Hosting;
using Workflows.Hosting;
using Workflows.Postgres;

namespace Tour.DurableHosting;

public static class Registration
{
    public static void AddShipping(HostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddWorkflows()
            .UsePostgres(connectionString)                   // or .UseSqlite("workflows.db")
            .AddDurableWorkflow<ShippingFlow>(ShippingJson.Default);
        // inject WorkflowRuntime to start runs, send answers, list runs by status, follow their streams
    }
}
