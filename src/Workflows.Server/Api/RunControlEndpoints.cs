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

/// <summary>
/// An operator's controls over HTTP: suspend, resume, retry, purge. Only keys that may operate
/// (the <c>operate</c> permission) use them; each is journaled in the run as asked by the key's name or the user's id;
/// a control the run's status does not allow is a 409 problem that says why.
/// </summary>
internal static class RunControlEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder runs = api.MapGroup("/runs").WithTags("Runs");
        Control(runs, "suspend", "SuspendRun", "Suspends a running, waiting or queued run: nothing of it runs until it is resumed; answers sent meanwhile are kept.", (o, id, ct) => o.SuspendAsync(id, ct));
        Control(runs, "resume", "ResumeRun", "Resumes a suspended run; what came due while it was suspended happens now.", (o, id, ct) => o.ResumeAsync(id, ct));
        Control(runs, "retry", "RetryRun", "Runs a failed run again from the step that failed, with fresh attempts, keeping what it recorded.", (o, id, ct) => o.RetryAsync(id, ct));
        runs.MapPost("/purge", PurgeAsync)
            .Requires(WorkflowPermission.Operate, "purge runs")
            .WithName("PurgeRuns")
            .WithSummary("Deletes finished runs by workflow, how they ended and when; never a run that has not ended.")
            .Accepts<PurgeRequest>("application/json")
            .Produces<PurgeResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static void Control(RouteGroupBuilder runs, string verb, string name, string summary, Func<RunOperator, string, CancellationToken, Task> control) =>
        runs.MapPost("/{runId}/" + verb, async (string runId, HttpContext context, WorkflowRuntime runtime, WorkflowCatalog catalog, CancellationToken cancellationToken) =>
            {
                string caller = CallerIdentity.Of(context).Actor;
                await RunEndpoints.FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
                try
                {
                    await control(runtime.ActingAs(caller), runId, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException error)
                {
                    RunRecord now = await RunEndpoints.FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
                    throw new ApiProblemException(
                        StatusCodes.Status409Conflict,
                        "cannot_" + verb,
                        error.Message,
                        new Dictionary<string, object?> { ["runStatus"] = JsonNamingPolicy.CamelCase.ConvertName(now.Status.ToString()) });
                }

                RunRecord after = await RunEndpoints.FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
                return TypedResults.Json(RunViews.Info(after, catalog), ServerJson.Default.RunInfo);
            })
            .Requires(WorkflowPermission.Operate, verb + " runs")
            .WithName(name)
            .WithSummary(summary + " Needs a key that may operate runs.")
            .Produces<RunInfo>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<JsonHttpResult<PurgeResult>> PurgeAsync(
        HttpContext context,
        WorkflowRuntime runtime,
        IOptions<WorkflowServerOptions> options,
        CancellationToken cancellationToken)
    {
        string caller = CallerIdentity.Of(context).Actor;
        PurgeRequest request = await RequestBody.ReadObjectAsync(
            context.Request, options.Value.MaxRequestBodyBytes, ServerJson.Default.PurgeRequest, "purge request ({\"workflow\": ..., \"status\": ..., \"finishedBefore\": ...})", cancellationToken).ConfigureAwait(false);
        WorkflowRunStatus? status = request.Status is null ? null : Query.Status(request.Status);
        if (status is WorkflowRunStatus.Running or WorkflowRunStatus.WaitingForInput or WorkflowRunStatus.Suspended or WorkflowRunStatus.Queued)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_status", $"'status' must be how a run ended (completed, failed, cancelled or timedOut); a {request.Status} run has not ended and is never purged.");
        }

        int deleted = await runtime.ActingAs(caller).PurgeAsync(new PurgeQuery { Workflow = request.Workflow, Status = status, FinishedBefore = request.FinishedBefore }, null, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(new PurgeResult(deleted), ServerJson.Default.PurgeResult);
    }
}
