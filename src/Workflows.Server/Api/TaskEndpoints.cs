using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Workflows.Durable;

using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary><c>/tasks</c>: the human task inbox, runs waiting for a person's answer.</summary>
internal static class TaskEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tasks", ListAsync)
            .Requires(WorkflowPermission.Read, "read tasks")
            .WithTags("Tasks")
            .WithName("ListTasks")
            .Produces<TaskList>()
            .WithSummary("Runs waiting for a person: the question each asked and the answers it takes, with their schemas. Answer one with POST /runs/{runId}/events.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<JsonHttpResult<TaskList>> ListAsync(
        string? workflow,
        string? offset,
        string? limit,
        WorkflowRuntime runtime,
        HumanTasks tasks,
        CancellationToken cancellationToken)
    {
        var query = new RunQuery(workflow, WorkflowRunStatus.WaitingForInput, Query.Integer("offset", offset, 0, 0, int.MaxValue), Query.Integer("limit", limit, 50, 1, 200));
        RunPage page = await runtime.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
        var found = new List<HumanTask>(page.Runs.Count);
        foreach (RunRecord run in page.Runs)
        {
            if (await tasks.ForAsync(run, cancellationToken).ConfigureAwait(false) is { } task)
            {
                found.Add(task);
            }
        }

        return TypedResults.Json(new TaskList(found, page.Total, query.Offset, query.Limit), ServerJson.Default.TaskList);
    }
}
