using ApprovalServer;
using DocumentReview;
using Microsoft.AspNetCore.Builder;
using Workflows.Hosting;
using Workflows.Server;
using Workflows.Sqlite;

namespace Tour.Server;

public static class ApprovalApp
{
    public static void Run(WebApplicationBuilder builder)
    {
        builder.Services.AddWorkflows()
            .UseSqlite("approvals.db")                                  // or .UsePostgres(...)
            .AddDurableWorkflow<ReviewFlow>(ReviewJson.Default)
            .AddServer();                                               // options from Workflows:Server

        WebApplication app = builder.Build();
        app.UseWorkflowServer();                                        // auth, rate limits, CORS, problem details
        app.MapWorkflows();                                             // /api, /health, /dashboard
        app.Run();
    }
}
