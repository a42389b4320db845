using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.Server.Http;

using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary><c>/workflows</c>: what is registered, and starting runs.</summary>
internal static class WorkflowEndpoints
{
    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder workflows = api.MapGroup("/workflows").WithTags("Workflows");
        workflows.MapGet("/", List)
            .Requires(WorkflowPermission.Read, "read workflows")
            .WithName("ListWorkflows")
            .WithSummary("The registered workflows, with their graphs and the JSON schemas of their events.")
            .Produces<IReadOnlyList<WorkflowInfo>>();
        workflows.MapGet("/{name}", Get)
            .Requires(WorkflowPermission.Read, "read workflows")
            .WithName("GetWorkflow")
            .WithSummary("One workflow: the version new runs start on, or another registered version (version=1) that finishes the runs stored under it.")
            .Produces<WorkflowInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        workflows.MapPost("/{name}/runs", StartAsync)
            .Requires(WorkflowPermission.Start, "start runs")
            .WithName("StartRun")
            .WithSummary("Starts a run; the body is the workflow's StartEvent. With an Idempotency-Key header, repeating the request returns the first run. Tag the run with tag=key:value in the query (repeatable), and give it a title for people with title=….")
            .Accepts<JsonElement>("application/json")
            .Produces<RunInfo>(StatusCodes.Status201Created)
            .Produces<RunInfo>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static JsonHttpResult<IReadOnlyList<WorkflowInfo>> List(WorkflowCatalog catalog) =>
        TypedResults.Json(catalog.All, ServerJson.Default.IReadOnlyListWorkflowInfo);

    private static JsonHttpResult<WorkflowInfo> Get(string name, string? version, WorkflowCatalog catalog)
    {
        _ = Find(catalog, name, out WorkflowInfo info);
        if (version is not null)
        {
            int wanted = Query.Integer("version", version, 1, 1, int.MaxValue);
            if (!catalog.TryGetVersion(name, wanted, out _, out info))
            {
                throw new ApiProblemException(
                    StatusCodes.Status404NotFound,
                    "unknown_version",
                    $"Workflow '{name}' has no registered version {wanted}. Registered versions: {string.Join(", ", catalog.VersionsOf(name))}.");
            }
        }

        return TypedResults.Json(info, ServerJson.Default.WorkflowInfo);
    }

    private static async Task<IResult> StartAsync(
        string name,
        HttpRequest request,
        WorkflowCatalog catalog,
        WorkflowRuntime runtime,
        IOptions<WorkflowServerOptions> options,
        CancellationToken cancellationToken)
    {
        RegisteredWorkflow workflow = Find(catalog, name, out _);
        string? key = IdempotencyKey(request);
        ReadOnlyMemory<byte> body = await RequestBody.ReadJsonAsync(request, options.Value.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        GraphEvent startType = workflow.Graph.StartEvent;
        StartEvent start;
        try
        {
            start = (StartEvent)workflow.ReadEvent(startType.Type, body.Span);
        }
        catch (JsonException error)
        {
            throw RequestBody.Malformed(error, "The body", $"'{startType.Name}' (the StartEvent of {workflow.Name})", workflow.GetJsonTypeInfo(startType.Type));
        }

        IReadOnlyDictionary<string, string>? tags = Query.Tags(request.Query["tag"]);
        string? title = request.Query["title"] is { Count: > 0 } titles ? titles.ToString() : null;
        RunRecord run;
        bool created;
        try
        {
            (run, created) = await runtime.StartRunAsync(workflow.Name, start, new DurableRunOptions { IdempotencyKey = key, Tags = tags, Title = title }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error) when (error.ParamName == "options")
        {
            string code = error.Message.StartsWith("A run's title", StringComparison.Ordinal) ? "bad_title" : "bad_tag";
            throw new ApiProblemException(StatusCodes.Status400BadRequest, code, error.Message.Split(" (Parameter", 2)[0]);
        }

        string location = $"{options.Value.ApiPath}/runs/{Uri.EscapeDataString(run.RunId)}";
        if (created)
        {
            return TypedResults.Json(RunViews.Info(run, catalog), ServerJson.Default.RunInfo, statusCode: StatusCodes.Status201Created).WithLocation(location);
        }

        // A repeated key must repeat the request: the same key with another body is a client bug, not a retry.
        IReadOnlyList<StoredEvent> first = await runtime.ReadEventsAsync(run.RunId, 0, 1, cancellationToken).ConfigureAwait(false);
        if (first.Count == 1 && first[0].Payload != workflow.WriteEvent(start))
        {
            throw new ApiProblemException(
                StatusCodes.Status409Conflict,
                "idempotency_conflict",
                $"The Idempotency-Key '{key}' already started run '{run.RunId}' with a different body; use a new key for a different request.",
                new Dictionary<string, object?> { ["runId"] = run.RunId });
        }

        request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Json(RunViews.Info(run, catalog), ServerJson.Default.RunInfo).WithLocation(location);
    }

    /// <summary>A registered workflow by name, or a 404 that lists the registered ones.</summary>
    public static RegisteredWorkflow Find(WorkflowCatalog catalog, string name, out WorkflowInfo info)
    {
        if (catalog.TryGet(name, out RegisteredWorkflow workflow, out info))
        {
            return workflow;
        }

        throw new ApiProblemException(
            StatusCodes.Status404NotFound,
            "unknown_workflow",
            $"No workflow named '{name}' is registered here. Registered: {string.Join(", ", catalog.All.Select(w => w.Name))}.");
    }

    private static string? IdempotencyKey(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("Idempotency-Key", out var values))
        {
            return null;
        }

        string key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new ApiProblemException(
                StatusCodes.Status400BadRequest,
                "bad_idempotency_key",
                $"The Idempotency-Key header must be one value of 1 to {MaxIdempotencyKeyLength} visible ASCII characters (a UUID, say).");
        }

        return key;
    }

    private static Located WithLocation(this IResult result, string location) => new(result, location);

    /// <summary>Adds a Location header to a result.</summary>
    private sealed class Located(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
