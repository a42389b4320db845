using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Workflows.Durable;
using Workflows.Server.Http;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary><c>/schedules</c>: listing schedules, and pausing, resuming and deleting them (keys that may operate).</summary>
internal static class ScheduleEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", ListAsync)
            .WithName("ListSchedules")
            .WithSummary("Every schedule, by id: when it starts runs, whether it is paused, its next occurrence and last run.")
            .Produces<IReadOnlyList<ScheduleInfo>>();
        foreach ((string verb, string name, string summary, Func<WorkflowRuntime, string, CancellationToken, Task> control) in new (string, string, string, Func<WorkflowRuntime, string, CancellationToken, Task>)[]
        {
            ("pause", "PauseSchedule", "Pauses a schedule: it starts nothing until resumed.", (r, id, ct) => r.PauseScheduleAsync(id, ct)),
            ("resume", "ResumeSchedule", "Resumes a paused schedule from its next occurrence.", (r, id, ct) => r.ResumeScheduleAsync(id, ct)),
        })
        {
            schedules.MapPost("/{scheduleId}/" + verb, (string scheduleId, HttpContext context, WorkflowRuntime runtime, CancellationToken ct) =>
                    ControlAsync(scheduleId, context, verb, () => control(runtime, scheduleId, ct), runtime, ct))
                .WithName(name)
                .WithSummary(summary + " Needs a key that may operate runs.")
                .Produces<ScheduleInfo>()
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound);
        }

        schedules.MapDelete("/{scheduleId}", DeleteAsync)
            .WithName("DeleteSchedule")
            .WithSummary("Deletes a schedule; the runs it started are kept. Needs a key that may operate runs.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<JsonHttpResult<IReadOnlyList<ScheduleInfo>>> ListAsync(WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Json<IReadOnlyList<ScheduleInfo>>([.. (await runtime.ListSchedulesAsync(cancellationToken).ConfigureAwait(false)).Select(Info)], ServerJson.Default.IReadOnlyListScheduleInfo);

    private static async Task<JsonHttpResult<ScheduleInfo>> ControlAsync(string scheduleId, HttpContext context, string verb, Func<Task> control, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        Operators.Require(context, verb + " schedules");
        try
        {
            await control().ConfigureAwait(false);
        }
        catch (KeyNotFoundException error)
        {
            throw new ApiProblemException(StatusCodes.Status404NotFound, "schedule_not_found", error.Message);
        }

        ScheduleRecord schedule = await runtime.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "schedule_not_found", $"No schedule has the id '{scheduleId}'.");
        return TypedResults.Json(Info(schedule), ServerJson.Default.ScheduleInfo);
    }

    private static async Task<NoContent> DeleteAsync(string scheduleId, HttpContext context, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        Operators.Require(context, "delete schedules");
        return await runtime.DeleteScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : throw new ApiProblemException(StatusCodes.Status404NotFound, "schedule_not_found", $"No schedule has the id '{scheduleId}'.");
    }

    private static ScheduleInfo Info(ScheduleRecord schedule) => new(
        schedule.ScheduleId,
        schedule.Workflow,
        schedule.Spec.Cron,
        schedule.Spec.Every?.ToString("c", CultureInfo.InvariantCulture),
        schedule.Spec.TimeZone,
        JsonNamingPolicy.CamelCase.ConvertName(schedule.Spec.Overlap.ToString()),
        JsonNamingPolicy.CamelCase.ConvertName(schedule.Spec.CatchUp.ToString()),
        schedule.Paused,
        schedule.NextDueAt,
        schedule.LastRunId);
}
