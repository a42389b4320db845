using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Cli;

/// <summary>
/// The tool through a running Workflows server's HTTP API, with an API key: what the server refuses
/// comes back as its problem's detail, with an exit code by status (404 → not found, 409/422/400 →
/// refused, 401/403 → not allowed).
/// </summary>
public sealed class ServerOperations(HttpClient http) : IOperations
{
    /// <summary>A client for a server's address and key.</summary>
    public static HttpClient Client(Uri server, string key)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <inheritdoc/>
    public async Task<RunListView> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken)
    {
        var query = new List<string> { "limit=" + Math.Min(filter.Limit, 200).ToString(CultureInfo.InvariantCulture) };
        if (filter.Workflow is not null)
        {
            query.Add("workflow=" + Uri.EscapeDataString(filter.Workflow));
        }

        if (filter.Status is not null)
        {
            query.Add("status=" + Uri.EscapeDataString(filter.Status));
        }

        foreach ((string key, string value) in filter.Tags ?? new Dictionary<string, string>())
        {
            query.Add("tag=" + Uri.EscapeDataString(key + ":" + value));
        }

        JsonNode list = await GetAsync("api/runs?" + string.Join("&", query), cancellationToken).ConfigureAwait(false);
        return new RunListView([.. list["runs"]!.AsArray().Select(r => Run(r!))], (int)list["total"]!);
    }

    /// <inheritdoc/>
    public async Task<RunView> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        Run(await GetAsync("api/runs/" + Uri.EscapeDataString(runId), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalView>> ReadJournalAsync(string runId, long after, CancellationToken cancellationToken)
    {
        JsonNode page = await GetAsync($"api/runs/{Uri.EscapeDataString(runId)}/events?after={after.ToString(CultureInfo.InvariantCulture)}&limit=1000", cancellationToken).ConfigureAwait(false);
        return [.. page["events"]!.AsArray().Select(e => new JournalView(
            (long)e!["sequence"]!, (string)e["kind"]!, (string)e["type"]!, (string?)e["producer"], (DateTimeOffset)e["createdAt"]!, e["payload"]?.DeepClone()))];
    }

    /// <inheritdoc/>
    public async Task SendAsync(string runId, string type, string data, CancellationToken cancellationToken)
    {
        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(data);
        }
        catch (JsonException error)
        {
            throw new CliException(ExitCodes.Usage, $"--data is not JSON: {error.Message}");
        }

        var envelope = new JsonObject { ["type"] = type, ["data"] = payload };
        await SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(runId)}/events", envelope.ToJsonString(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<RunView> ControlAsync(string runId, string control, CancellationToken cancellationToken) =>
        Run(await SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(runId)}/{control}", null, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<int> PurgeAsync(PurgeFilter filter, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["workflow"] = filter.Workflow, ["status"] = filter.Status, ["finishedBefore"] = filter.FinishedBefore?.ToString("o", CultureInfo.InvariantCulture) };
        int deleted = (int)(await SendAsync(HttpMethod.Post, "api/runs/purge", body.ToJsonString(), cancellationToken).ConfigureAwait(false))["deleted"]!;
        progress.Report(deleted);
        return deleted;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync("api/schedules", cancellationToken).ConfigureAwait(false)).AsArray().Select(s => new ScheduleView(
            (string)s!["scheduleId"]!, (string)s["workflow"]!, (string?)s["cron"] ?? $"every {(string?)s["every"]}", (string)s["timeZone"]!, (bool)s["paused"]!,
            (DateTimeOffset?)s["nextDueAt"], (string?)s["lastRunId"]))];

    /// <inheritdoc/>
    public Task ControlScheduleAsync(string scheduleId, string control, CancellationToken cancellationToken) =>
        control == "delete"
            ? SendAsync(HttpMethod.Delete, "api/schedules/" + Uri.EscapeDataString(scheduleId), null, cancellationToken)
            : SendAsync(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(scheduleId)}/{control}", null, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WorkflowView>> ListWorkflowsAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync("api/workflows", cancellationToken).ConfigureAwait(false)).AsArray().Select(w => new WorkflowView((string)w!["name"]!, null, null))];

    /// <inheritdoc/>
    public async Task<WorkflowView> GetWorkflowAsync(string name, CancellationToken cancellationToken)
    {
        JsonNode workflow = await GetAsync("api/workflows/" + Uri.EscapeDataString(name), cancellationToken).ConfigureAwait(false);
        return new WorkflowView((string)workflow["name"]!, null, (string?)workflow["mermaid"]);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static RunView Run(JsonNode run) => new(
        (string)run["runId"]!,
        (string)run["workflow"]!,
        (string)run["status"]!,
        (DateTimeOffset)run["createdAt"]!,
        (DateTimeOffset)run["updatedAt"]!,
        (string?)run["error"],
        run["tags"] is JsonObject tags ? tags.ToDictionary(t => t.Key, t => (string)t.Value!) : null,
        (string?)run["parentRunId"]);

    private Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw new CliException(ExitCodes.Unavailable, $"Could not reach the server at {http.BaseAddress}: {error.Message}");
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) ?? new JsonObject();
            }

            string detail = body.Length > 0 && JsonNode.Parse(body) is JsonObject problem && (string?)problem["detail"] is { } said ? said : $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw new CliException(
                response.StatusCode switch
                {
                    HttpStatusCode.NotFound => ExitCodes.NotFound,
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.NotAllowed,
                    HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => ExitCodes.Refused,
                    _ => ExitCodes.Unavailable,
                },
                detail);
        }
    }
}
