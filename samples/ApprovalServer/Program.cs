using System.Security.Cryptography;
using ApprovalServer;
using DocumentReview;
using Workflows.Durable;
using Workflows.Hosting;
using Workflows.Postgres;
using Workflows.Server;
using Workflows.Sqlite;

// dotnet run --project samples/ApprovalServer, then open the dashboard link it prints.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// No key configured (a first run on a laptop): make one for this run and say so. Configure
// Workflows:Server:ApiKeys (user secrets, environment) for anything that outlives the process.
string? generatedKey = null;
if (builder.Configuration.GetSection("Workflows:Server:ApiKeys").GetChildren().All(k => string.IsNullOrEmpty(k["Key"])))
{
    generatedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
    builder.Configuration["Workflows:Server:ApiKeys:0:Name"] = "console";
    builder.Configuration["Workflows:Server:ApiKeys:0:Key"] = generatedKey;
}

TimeSpan reviewTime = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("ReviewMilliseconds", 300));
builder.Services.AddScoped(_ => new ReviewFlow(reviewTime));
// One SQLite file by default; with ConnectionStrings:Postgres set, PostgreSQL, shared by as many
// server processes as you run.
WorkflowsBuilder workflows = builder.Services.AddWorkflows();
_ = builder.Configuration.GetConnectionString("Postgres") is { Length: > 0 } postgres
    ? workflows.UsePostgres(postgres)
    : workflows.UseSqlite(builder.Configuration["Database"] ?? "approvals.db");
workflows
    .AddDurableWorkflow<ReviewFlow>(ReviewJson.Default)
    .AddServer();

WebApplication app = builder.Build();
app.UseWorkflowServer();
app.MapWorkflows();
app.MapGet("/", () => Results.Redirect("/dashboard/")).ExcludeFromDescription();

app.Lifetime.ApplicationStarted.Register(() => _ = WelcomeAsync(app, generatedKey));
app.Run();

// The first start shows something at once: one review waiting for a person's approval.
static async Task WelcomeAsync(WebApplication app, string? key)
{
    WorkflowRuntime runtime = app.Services.GetRequiredService<WorkflowRuntime>();
    if (app.Configuration.GetValue("Demo", true) && (await runtime.ListRunsAsync(new RunQuery(Limit: 1))).Total == 0)
    {
        await runtime.StartRunAsync<ReviewFlow>(new DocumentSubmitted(SampleDocument.Title, SampleDocument.Text));
    }

    string address = app.Urls.FirstOrDefault() ?? "http://localhost:5080";
    string fragment = key is null ? string.Empty : "#key=" + key;
    Console.WriteLine();
    Console.WriteLine($"  Dashboard:  {address}/dashboard/{fragment}");
    Console.WriteLine($"  API:        {address}/api  (OpenAPI: {address}/api/openapi/workflows.json)");
    if (key is not null)
    {
        Console.WriteLine($"  API key:    {key}   (made for this run; set Workflows:Server:ApiKeys to keep one)");
        Console.WriteLine($"  Try:        curl -H \"Authorization: Bearer {key}\" {address}/api/tasks");
    }

    Console.WriteLine();
}

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
