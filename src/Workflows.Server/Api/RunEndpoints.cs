using System.Globalization;
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

/// <summary><c>/runs</c>: reading runs and their journals, sending events in, cancelling.</summary>
internal static class RunEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder runs = api.MapGroup("/runs").WithTags("Runs");
        runs.MapGet("/", ListAsync)
            .Requires(WorkflowPermission.Read, "read runs")
            .WithName("ListRuns")
            .WithSummary("Runs, newest first, filtered by workflow, status, parent run, tags (tag=key:value, repeatable: all must match), start time (createdAfter, createdBefore: ISO 8601) and search (text in the title, ignoring case, or the start of the run id), a page at a time.")
            .Produces<RunList>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        runs.MapGet("/{runId}", GetAsync)
            .Requires(WorkflowPermission.Read, "read runs")
            .WithName("GetRun")
            .WithSummary("A run, how far each of its steps got, and what it waits for from a person.")
            .Produces<RunDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId}/events", JournalAsync)
            .Requires(WorkflowPermission.Read, "read runs")
            .WithName("GetRunEvents")
            .WithSummary("A page of the run's journal: every event recorded, in order.")
            .Produces<JournalPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId}/events/stream", EventStream.StreamAsync)
            .Requires(WorkflowPermission.Read, "read runs")
            .WithName("StreamRunEvents")
            .WithSummary("The run's events as server-sent events until it ends: its stream (all=true: its whole journal). Reconnect with Last-Event-ID to resume without gaps or repeats.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{runId}/events", SendAsync)
            .Requires(WorkflowPermission.Answer, "answer runs")
            .WithName("SendRunEvent")
            .WithSummary("Sends an event into a run: one of the human responses its workflow takes, as {\"type\": ..., \"data\": {...}}.")
            .Accepts<SendEventRequest>("application/json")
            .Produces<EventAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        runs.MapPost("/{runId}/cancel", CancelAsync)
            .Requires(WorkflowPermission.Operate, "cancel runs")
            .WithName("CancelRun")
            .WithSummary("Cancels a run that has not ended (a key that may operate runs).")
            .Produces<RunInfo>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<JsonHttpResult<RunList>> ListAsync(
        WorkflowRuntime runtime,
        WorkflowCatalog catalog,
        HttpRequest request,
        string? workflow,
        string? status,
        string? offset,
        string? limit,
        string? parent,
        string? createdAfter,
        string? createdBefore,
        string? search,
        CancellationToken cancellationToken)
    {
        if (search is { Length: > 200 })
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'search' must be at most 200 characters; it has {search.Length}.");
        }

        var query = new RunQuery(
            workflow,
            status is null ? null : Query.Status(status),
            Query.Integer("offset", offset, 0, 0, int.MaxValue),
            Query.Integer("limit", limit, 50, 1, 200))
        {
            ParentRunId = parent,
            Tags = Query.Tags(request.Query["tag"]),
            CreatedAfter = Query.Time("createdAfter", createdAfter),
            CreatedBefore = Query.Time("createdBefore", createdBefore),
            Search = search,
        };
        RunPage page = await runtime.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(new RunList([.. page.Runs.Select(r => RunViews.Info(r, catalog))], page.Total, query.Offset, query.Limit), ServerJson.Default.RunList);
    }

    private static async Task<JsonHttpResult<RunDetail>> GetAsync(
        string runId,
        WorkflowRuntime runtime,
        WorkflowCatalog catalog,
        HumanTasks tasks,
        CancellationToken cancellationToken)
    {
        RunRecord run = await FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<DeliveryRecord> deliveries = await runtime.Store.ReadDeliveriesAsync(runId, cancellationToken).ConfigureAwait(false);
        bool known = catalog.TryGetFor(run, out RegisteredWorkflow workflow, out _);
        IReadOnlyList<StepProgress> steps = known ? RunViews.Progress(workflow.Graph, deliveries) : [];
        HumanTask? task = await tasks.ForAsync(run, deliveries, cancellationToken).ConfigureAwait(false);
        Workflows.AI.ModelUsageTotals? usage = await ModelUsageReader.TotalsAsync(runtime, run, known ? workflow : null, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(RunViews.Detail(run, steps, task, catalog) with { ModelUsage = usage }, ServerJson.Default.RunDetail);
    }

    private static async Task<JsonHttpResult<JournalPage>> JournalAsync(
        string runId,
        string? after,
        string? limit,
        WorkflowRuntime runtime,
        WorkflowCatalog catalog,
        CancellationToken cancellationToken)
    {
        long from = Query.Sequence("after", after);
        int max = Query.Integer("limit", limit, 500, 1, 1000);
        RunRecord run = await FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
        catalog.TryGetFor(run, out RegisteredWorkflow? workflow, out _);
        IReadOnlyList<StoredEvent> events = await runtime.ReadEventsAsync(runId, from, max, cancellationToken).ConfigureAwait(false);
        long? next = events.Count == max ? events[^1].Sequence : null;
        return TypedResults.Json(new JournalPage([.. events.Select(e => RunViews.Entry(e, workflow))], next), ServerJson.Default.JournalPage);
    }

    private static async Task<IResult> SendAsync(
        string runId,
        HttpRequest request,
        WorkflowRuntime runtime,
        WorkflowCatalog catalog,
        IOptions<WorkflowServerOptions> options,
        CancellationToken cancellationToken)
    {
        RunRecord run = await FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
        if (run.IsFinished)
        {
            throw Finished(run);
        }

        if (!catalog.TryGetFor(run, out RegisteredWorkflow workflow, out _))
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, "workflow_not_registered", $"Run '{run.RunId}' belongs to workflow '{run.Workflow}', which this server does not run.");
        }

        (GraphEvent type, Event ev) = await ReadEventAsync(request, workflow, options.Value, cancellationToken).ConfigureAwait(false);
        try
        {
            // The journal names who answered: the signed-in person or the API key, not what the form says;
            // a person may answer only a task they are among those who may (a 403 otherwise, and nothing changes).
            await runtime.Tasks.AnswerRunAsync(runId, HumanTasks.Actor(CallerIdentity.Of(request.HttpContext)), ev, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw NotAccepted(error);
        }
        catch (InvalidOperationException error) when (error is not TaskRefusedException)
        {
            // It ended between the check above and the send.
            RunRecord now = await FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
            if (now.IsFinished)
            {
                throw Finished(now);
            }

            throw;
        }

        RunRecord after = (await runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!;
        return TypedResults.Json(new EventAccepted(runId, type.Name, RunViews.Info(after, catalog)), ServerJson.Default.EventAccepted, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<JsonHttpResult<RunInfo>> CancelAsync(string runId, HttpContext context, WorkflowRuntime runtime, WorkflowCatalog catalog, CancellationToken cancellationToken)
    {
        string caller = CallerIdentity.Of(context).Actor;
        RunRecord run = await FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
        if (run.IsFinished || !await runtime.ActingAs(caller).CancelAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            throw Finished((await runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!);
        }

        RunRecord cancelled = (await runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!;
        return TypedResults.Json(RunViews.Info(cancelled, catalog), ServerJson.Default.RunInfo);
    }

    /// <summary>An event from a request's body (<c>{"type": ..., "data": {...}}</c>), one the workflow takes from outside; 400 or 422 otherwise.</summary>
    public static async Task<(GraphEvent Type, Event Event)> ReadEventAsync(HttpRequest request, RegisteredWorkflow workflow, WorkflowServerOptions options, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> body = await RequestBody.ReadJsonAsync(request, options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        (GraphEvent type, ReadOnlyMemory<byte> data) = ReadEnvelope(body, workflow);
        try
        {
            return (type, workflow.ReadEvent(type.Type, data.Span));
        }
        catch (JsonException error)
        {
            throw RequestBody.Malformed(error, "'data'", $"'{type.Name}'", workflow.GetJsonTypeInfo(type.Type));
        }
    }

    /// <summary>The run takes no event of that type now: 422 with the runtime's reason.</summary>
    public static ApiProblemException NotAccepted(ArgumentException error) =>
        new(StatusCodes.Status422UnprocessableEntity, "event_not_accepted", error.Message.Split(" (Parameter", 2)[0]);

    /// <summary>A run by id, or a 404.</summary>
    public static async Task<RunRecord> FindAsync(WorkflowRuntime runtime, string runId, CancellationToken cancellationToken) =>
        await runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "run_not_found", $"No run has the id '{runId}'.");

    public static ApiProblemException Finished(RunRecord run) => new(
        StatusCodes.Status409Conflict,
        "run_finished",
        $"Run '{run.RunId}' has already ended ({Status(run.Status)}); it takes no more events and cannot be cancelled.",
        new Dictionary<string, object?> { ["runStatus"] = Status(run.Status) });

    private static string Status(WorkflowRunStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>
    /// Reads <c>{"type": "...", "data": {...}}</c>: the type must be one the workflow takes from outside
    /// (it may be left out when there is only one), else 422 naming the ones it takes.
    /// </summary>
    private static (GraphEvent Type, ReadOnlyMemory<byte> Data) ReadEnvelope(ReadOnlyMemory<byte> body, RegisteredWorkflow workflow)
    {
        string? typeName = null;
        ReadOnlyMemory<byte>? data = null;
        try
        {
            var reader = new Utf8JsonReader(body.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "The body must be a JSON object: {\"type\": \"<event type>\", \"data\": { ... }}.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                if (property.Equals("type", StringComparison.OrdinalIgnoreCase))
                {
                    typeName = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "'type' must be a string: the event type's name.");
                }
                else if (property.Equals("data", StringComparison.OrdinalIgnoreCase))
                {
                    long start = reader.TokenStartIndex;
                    reader.Skip();
                    data = body.Slice((int)start, (int)(reader.BytesConsumed - start));
                }
                else
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", $"Unexpected property '{property}': the body is {{\"type\": \"<event type>\", \"data\": {{ ... }}}}.");
                }
            }

            reader.Read();
        }
        catch (JsonException error)
        {
            throw RequestBody.Malformed(error, "The body", "event envelope ({\"type\": ..., \"data\": {...}})");
        }

        IReadOnlyList<GraphEvent> inputs = workflow.InputEvents;
        string accepted = inputs.Count == 0 ? "nothing" : string.Join(", ", inputs.Select(e => e.Name));
        GraphEvent type;
        if (typeName is null)
        {
            type = inputs.Count == 1
                ? inputs[0]
                : throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_type", $"Say which event this is with 'type': workflow '{workflow.Name}' takes {accepted}.");
        }
        else
        {
            type = inputs.FirstOrDefault(e => e.Name == typeName || e.Type.FullName == typeName)
                ?? throw new ApiProblemException(
                    StatusCodes.Status422UnprocessableEntity,
                    "event_not_accepted",
                    $"Workflow '{workflow.Name}' does not take '{typeName}' from outside; it takes {accepted}.",
                    new Dictionary<string, object?> { ["accepted"] = inputs.Select(e => e.Name).ToArray() });
        }

        return data is { } payload
            ? (type, payload)
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_data", $"The body has no 'data': send the '{type.Name}' as {{\"type\": \"{type.Name}\", \"data\": {{ ... }}}}.");
    }
}

/// <summary>Query-string values, checked with errors that name the parameter and what it takes.</summary>
internal static class Query
{
    public static int Integer(string name, string? text, int fallback, int min, int max)
    {
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'{name}' must be a whole number from {min} to {max}, not '{text}'.");
    }

    public static long Sequence(string name, string? text)
    {
        if (text is null)
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'{name}' must be a journal position (a whole number from 0), not '{text}'.");
    }

    /// <summary><c>tag=key:value</c>, repeatable: the tags a run must all carry.</summary>
    public static IReadOnlyDictionary<string, string>? Tags(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string? value in values)
        {
            int colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'tag' must be key:value (tag=customer:acme), not '{value}'.");
            }

            tags[value![..colon]] = value[(colon + 1)..];
        }

        return tags;
    }

    /// <summary>An ISO 8601 time with an offset (2026-12-02T10:00:00Z).</summary>
    public static DateTimeOffset? Time(string name, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'{name}' must be an ISO 8601 time such as 2026-12-02T10:00:00Z, not '{text}'.");
    }

    public static WorkflowRunStatus Status(string text)
    {
        foreach (WorkflowRunStatus status in Enum.GetValues<WorkflowRunStatus>())
        {
            if (string.Equals(status.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        string names = string.Join(", ", Enum.GetValues<WorkflowRunStatus>().Select(s => JsonNamingPolicy.CamelCase.ConvertName(s.ToString())));
        throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'status' must be one of {names}, not '{text}'.");
    }
}
