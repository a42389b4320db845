using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.Server.Http;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary>
/// <c>/tasks</c>: the questions runs asked of people, as tasks — listed with filters, claimed,
/// released, delegated, reassigned and answered. Who may do what to a task is decided by the store in
/// the transaction that makes the change; a refusal is a 403 saying why, and changes nothing.
/// </summary>
internal static class TaskEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tasks", ListAsync)
            .Requires(WorkflowPermission.Read, "read tasks")
            .WithTags("Tasks")
            .WithName("ListTasks")
            .Produces<TaskList>()
            .WithSummary(
                "Tasks: questions runs asked of people. show=all|mine|roles|unassigned|overdue (mine: assigned to or claimed by the caller; roles: assigned to one of the caller's roles), " +
                "status=open|completed|cancelled|any, sort=newest|oldest|due|priority, workflow, run. Answer one with POST /tasks/{taskId}/answer.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        RouteGroupBuilder task = api.MapGroup("/tasks/{taskId}").WithTags("Tasks");
        task.MapGet("/", GetAsync)
            .Requires(WorkflowPermission.Read, "read tasks")
            .WithName("GetTask")
            .WithSummary("A task, with the answers it takes, what the caller may do to it, and its history.")
            .Produces<HumanTask>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        task.MapPost("/claim", (string taskId, HttpContext context, WorkflowRuntime runtime, HumanTasks tasks, CancellationToken cancellationToken) =>
                ChangeAsync(taskId, context, tasks, (id, actor) => runtime.Tasks.ClaimAsync(id, actor, cancellationToken), cancellationToken))
            .Requires(WorkflowPermission.Answer, "claim tasks")
            .WithName("ClaimTask")
            .WithSummary("Takes a task: only the caller may answer it until they release it. For one of those who may answer it.")
            .Produces<HumanTask>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        task.MapPost("/release", (string taskId, HttpContext context, WorkflowRuntime runtime, HumanTasks tasks, CancellationToken cancellationToken) =>
                ChangeAsync(taskId, context, tasks, (id, actor) => runtime.Tasks.ReleaseAsync(id, actor, null, cancellationToken), cancellationToken))
            .Requires(WorkflowPermission.Answer, "release tasks")
            .WithName("ReleaseTask")
            .WithSummary("Gives up a claim: the caller's own, or anyone's for a caller who may operate runs.")
            .Produces<HumanTask>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        task.MapPost("/delegate", DelegateAsync)
            .Requires(WorkflowPermission.Answer, "delegate tasks")
            .WithName("DelegateTask")
            .WithSummary("Hands a task to one user, who becomes the only one who may answer it: {\"to\": \"<user id>\", \"reason\": \"...\"}.")
            .Accepts<DelegateTaskRequest>("application/json")
            .Produces<HumanTask>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        task.MapPost("/reassign", ReassignAsync)
            .Requires(WorkflowPermission.Operate, "reassign tasks")
            .WithName("ReassignTask")
            .WithSummary("Changes who may answer a task: {\"users\": [...], \"roles\": [...], \"reason\": \"...\"} (a caller who may operate runs).")
            .Accepts<ReassignTaskRequest>("application/json")
            .Produces<HumanTask>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        task.MapPost("/answer", AnswerAsync)
            .Requires(WorkflowPermission.Answer, "answer tasks")
            .WithName("AnswerTask")
            .WithSummary("Answers a task as the caller, with one of the answers it takes: {\"type\": ..., \"data\": {...}}. The task records who answered.")
            .Accepts<SendEventRequest>("application/json")
            .Produces<HumanTask>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<JsonHttpResult<TaskList>> ListAsync(
        string? workflow,
        string? run,
        string? show,
        string? status,
        string? sort,
        string? offset,
        string? limit,
        HttpContext context,
        WorkflowRuntime runtime,
        HumanTasks tasks,
        CancellationToken cancellationToken)
    {
        CallerIdentity caller = CallerIdentity.Of(context);
        var query = new HumanTaskQuery(
            workflow,
            status switch
            {
                null or "open" => HumanTaskStatus.Open,
                "completed" => HumanTaskStatus.Completed,
                "cancelled" => HumanTaskStatus.Cancelled,
                "any" => null,
                _ => throw BadQuery("status", status, "open, completed, cancelled or any"),
            },
            Query.Integer("offset", offset, 0, 0, int.MaxValue),
            Query.Integer("limit", limit, 50, 1, 200))
        {
            RunId = run,
            Sort = sort switch
            {
                null or "newest" => HumanTaskSort.Newest,
                "oldest" => HumanTaskSort.Oldest,
                "due" => HumanTaskSort.Due,
                "priority" => HumanTaskSort.Priority,
                _ => throw BadQuery("sort", sort, "newest, oldest, due or priority"),
            },
        };
        HumanTaskQuery? shown = show switch
        {
            null or "all" => query,
            "mine" => query with { User = HumanTasks.Actor(caller).UserId },
            "roles" when caller.Roles.Count == 0 => null,
            "roles" => query with { Roles = caller.Roles },
            "unassigned" => query with { Unassigned = true },
            "overdue" => query with { Overdue = true },
            _ => throw BadQuery("show", show, "all, mine, roles, unassigned or overdue"),
        };

        if (shown is null)
        {
            // Tasks of the caller's roles, and they have none.
            return TypedResults.Json(new TaskList([], 0, query.Offset, query.Limit), ServerJson.Default.TaskList);
        }

        HumanTaskPage page = await runtime.Tasks.ListAsync(shown, cancellationToken).ConfigureAwait(false);
        var found = new List<HumanTask>(page.Tasks.Count);
        foreach (HumanTaskRecord task in page.Tasks)
        {
            found.Add(await tasks.FromRecordAsync(task, caller, withHistory: false, cancellationToken).ConfigureAwait(false));
        }

        return TypedResults.Json(new TaskList(found, page.Total, query.Offset, query.Limit), ServerJson.Default.TaskList);
    }

    private static async Task<JsonHttpResult<HumanTask>> GetAsync(string taskId, HttpContext context, WorkflowRuntime runtime, HumanTasks tasks, CancellationToken cancellationToken)
    {
        HumanTaskRecord task = await runtime.Tasks.GetAsync(Id(taskId), cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(Id(taskId));
        return TypedResults.Json(await tasks.FromRecordAsync(task, CallerIdentity.Of(context), withHistory: true, cancellationToken).ConfigureAwait(false), ServerJson.Default.HumanTask);
    }

    private static async Task<JsonHttpResult<HumanTask>> DelegateAsync(
        string taskId, HttpRequest request, WorkflowRuntime runtime, HumanTasks tasks, IOptions<WorkflowServerOptions> options, CancellationToken cancellationToken)
    {
        DelegateTaskRequest body = await RequestBody.ReadObjectAsync(request, options.Value.MaxRequestBodyBytes, ServerJson.Default.DelegateTaskRequest, "delegation", cancellationToken).ConfigureAwait(false);
        string to = string.IsNullOrWhiteSpace(body.To)
            ? throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_to", "Say who the task goes to with 'to': a user's id.")
            : body.To;
        return await ChangeAsync(taskId, request.HttpContext, tasks, (id, actor) => runtime.Tasks.DelegateAsync(id, actor, to, body.Reason, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonHttpResult<HumanTask>> ReassignAsync(
        string taskId, HttpRequest request, WorkflowRuntime runtime, HumanTasks tasks, IOptions<WorkflowServerOptions> options, CancellationToken cancellationToken)
    {
        ReassignTaskRequest body = await RequestBody.ReadObjectAsync(request, options.Value.MaxRequestBodyBytes, ServerJson.Default.ReassignTaskRequest, "reassignment", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> users = body.Users ?? [];
        IReadOnlyList<string> roles = body.Roles ?? [];
        if (users.Concat(roles).Any(string.IsNullOrWhiteSpace))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "blank_assignee", "Each user in 'users' and role in 'roles' needs a name; send both empty to let anyone who may answer runs answer it.");
        }

        return await ChangeAsync(taskId, request.HttpContext, tasks, (id, actor) => runtime.Tasks.ReassignAsync(id, actor, users, roles, body.Reason, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> AnswerAsync(
        string taskId, HttpRequest request, WorkflowRuntime runtime, WorkflowCatalog catalog, HumanTasks tasks, IOptions<WorkflowServerOptions> options, CancellationToken cancellationToken)
    {
        long id = Id(taskId);
        HumanTaskRecord task = await runtime.Tasks.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(id);
        RunRecord run = await RunEndpoints.FindAsync(runtime, task.RunId, cancellationToken).ConfigureAwait(false);
        if (!catalog.TryGetFor(run, out RegisteredWorkflow workflow, out _))
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, "workflow_not_registered", $"Task {id} belongs to a run of workflow '{run.Workflow}', which this server does not run.");
        }

        (_, Event answer) = await RunEndpoints.ReadEventAsync(request, workflow, options.Value, cancellationToken).ConfigureAwait(false);
        CallerIdentity caller = CallerIdentity.Of(request.HttpContext);
        try
        {
            await runtime.Tasks.AnswerAsync(id, HumanTasks.Actor(caller), answer, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw RunEndpoints.NotAccepted(error);
        }
        catch (InvalidOperationException error) when (error is not TaskRefusedException)
        {
            // Its run ended between the look above and the answer.
            throw RunEndpoints.Finished(await RunEndpoints.FindAsync(runtime, task.RunId, cancellationToken).ConfigureAwait(false));
        }

        HumanTaskRecord answered = (await runtime.Tasks.GetAsync(id, cancellationToken).ConfigureAwait(false))!;
        return TypedResults.Json(await tasks.FromRecordAsync(answered, caller, withHistory: false, cancellationToken).ConfigureAwait(false), ServerJson.Default.HumanTask, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<JsonHttpResult<HumanTask>> ChangeAsync(
        string taskId, HttpContext context, HumanTasks tasks, Func<long, TaskActor, Task<HumanTaskRecord>> change, CancellationToken cancellationToken)
    {
        CallerIdentity caller = CallerIdentity.Of(context);
        HumanTaskRecord changed = await change(Id(taskId), HumanTasks.Actor(caller)).ConfigureAwait(false);
        return TypedResults.Json(await tasks.FromRecordAsync(changed, caller, withHistory: false, cancellationToken).ConfigureAwait(false), ServerJson.Default.HumanTask);
    }

    private static long Id(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id) && id > 0
            ? id
            : throw new ApiProblemException(StatusCodes.Status404NotFound, "task_not_found", $"There is no task '{text}': task ids are whole numbers from 1.");

    private static ApiProblemException BadQuery(string name, string value, string allowed) =>
        new(StatusCodes.Status400BadRequest, "bad_query", $"'{name}' must be {allowed}, not '{value}'.");
}
