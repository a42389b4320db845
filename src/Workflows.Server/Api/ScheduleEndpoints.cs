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
            .Requires(WorkflowPermission.Read, "read schedules")
            .WithName("ListSchedules")
            .WithSummary("Every schedule, by id: when it starts runs, whether it is paused, its next occurrence and last run.")
            .Produces<IReadOnlyList<ScheduleInfo>>();
        foreach ((string verb, string name, string summary, Func<WorkflowRuntime, string, CancellationToken, Task> control) in new (string, string, string, Func<WorkflowRuntime, string, CancellationToken, Task>)[]
        {
            ("pause", "PauseSchedule", "Pauses a schedule: it starts nothing until resumed.", (r, id, ct) => r.PauseScheduleAsync(id, ct)),
            ("resume", "ResumeSchedule", "Resumes a paused schedule from its next occurrence.", (r, id, ct) => r.ResumeScheduleAsync(id, ct)),
        })
        {
            schedules.MapPost("/{scheduleId}/" + verb, (string scheduleId, WorkflowRuntime runtime, CancellationToken ct) =>
                    ControlAsync(scheduleId, () => control(runtime, scheduleId, ct), runtime, ct))
                .Requires(WorkflowPermission.Administer, verb + " schedules")
                .WithName(name)
                .WithSummary(summary + " Needs the 'administer' permission.")
                .Produces<ScheduleInfo>()
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound);
        }

        schedules.MapDelete("/{scheduleId}", DeleteAsync)
            .Requires(WorkflowPermission.Administer, "delete schedules")
            .WithName("DeleteSchedule")
            .WithSummary("Deletes a schedule; the runs it started are kept. Needs the 'administer' permission.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<JsonHttpResult<IReadOnlyList<ScheduleInfo>>> ListAsync(WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Json<IReadOnlyList<ScheduleInfo>>([.. (await runtime.ListSchedulesAsync(cancellationToken).ConfigureAwait(false)).Select(Info)], ServerJson.Default.IReadOnlyListScheduleInfo);

    private static async Task<JsonHttpResult<ScheduleInfo>> ControlAsync(string scheduleId, Func<Task> control, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
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

    private static async Task<NoContent> DeleteAsync(string scheduleId, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
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
