using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.Server.Http;

namespace Workflows.Server.Api;

/// <summary>
/// A run's events as server-sent events. Each message's id is the event's journal position, so a
/// client that reconnects with <c>Last-Event-ID</c> gets exactly the events after the last one it
/// saw: no gap, no repeat. Events steps write with <c>ctx.WriteLive</c> in this process (a model's answer
/// as it is written) come as <c>live</c> messages without an id: never stored, so never resent. The
/// stream ends with an <c>end</c> event carrying the ended run.
/// </summary>
internal static class EventStream
{
    public static async Task<IResult> StreamAsync(
        string runId,
        string? after,
        string? all,
        HttpContext context,
        WorkflowRuntime runtime,
        WorkflowCatalog catalog,
        IOptions<WorkflowServerOptions> options,
        CancellationToken cancellationToken)
    {
        // Everything that can fail with a problem is checked before the first byte of the stream.
        long from = context.Request.Headers["Last-Event-ID"] is { Count: > 0 } resume
            ? Query.Sequence("Last-Event-ID", resume.ToString())
            : Query.Sequence("after", after);
        bool journal = all is not null && (bool.TryParse(all, out bool everything)
            ? everything
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_query", $"'all' must be true or false, not '{all}'."));
        RunRecord run = await RunEndpoints.FindAsync(runtime, runId, cancellationToken).ConfigureAwait(false);
        catalog.TryGetFor(run, out RegisteredWorkflow? workflow, out _);

        // Live events are never stored: follow them before the first byte, so none written after it is missed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IAsyncEnumerator<StoredEvent> live = runtime.FollowLiveAsync(runId, stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool> nextLive = live.MoveNextAsync().AsTask();
        IAsyncEnumerator<StoredEvent>? events = null;
        Task<bool> next = Task.FromResult(false);
        Task tick = Task.CompletedTask;
        HttpResponse response = context.Response;
        try
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache, no-transform";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await WriteAsync(response, "retry: 2000\n\n", cancellationToken).ConfigureAwait(false);

            events = runtime.FollowJournalAsync(runId, from, stop.Token).GetAsyncEnumerator(stop.Token);
            next = events.MoveNextAsync().AsTask();
            tick = Task.Delay(options.Value.StreamHeartbeat, stop.Token);
            while (true)
            {
                Task woke = await Task.WhenAny(next, nextLive, tick).ConfigureAwait(false);
                if (woke == nextLive)
                {
                    if (await nextLive.ConfigureAwait(false))
                    {
                        string piece = JsonSerializer.Serialize(RunViews.Entry(live.Current, workflow), ServerJson.Default.JournalEntry);
                        await WriteAsync(response, Message(null, RunViews.Kind(EventRecordKind.Live), piece), cancellationToken).ConfigureAwait(false);
                        nextLive = live.MoveNextAsync().AsTask();
                    }
                    else
                    {
                        nextLive = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(static _ => false, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }

                    continue;
                }

                if (woke == tick)
                {
                    // Idle: a comment keeps proxies and load balancers from closing the connection.
                    await WriteAsync(response, ": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                    tick = Task.Delay(options.Value.StreamHeartbeat, stop.Token);
                    continue;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                StoredEvent stored = events.Current;
                if (journal || stored.Kind == EventRecordKind.Streamed)
                {
                    string data = JsonSerializer.Serialize(RunViews.Entry(stored, workflow), ServerJson.Default.JournalEntry);
                    await WriteAsync(response, Message(stored.Sequence.ToString(CultureInfo.InvariantCulture), RunViews.Kind(stored.Kind), data), cancellationToken).ConfigureAwait(false);
                }

                next = events.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            // An iterator cannot be disposed mid-step: stop it, let the step end, then dispose it.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(next, nextLive, tick).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            if (events is not null)
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }

            await live.DisposeAsync().ConfigureAwait(false);
        }

        RunRecord ended = (await runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!;
        await WriteAsync(response, Message(null, "end", JsonSerializer.Serialize(RunViews.Info(ended, catalog), ServerJson.Default.RunInfo)), cancellationToken).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>One message; data spanning lines (a workflow's indented JSON) becomes several data lines, as the format requires.</summary>
    private static string Message(string? id, string type, string data)
    {
        var text = new StringBuilder();
        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        text.Append("event: ").Append(type).Append('\n');
        foreach (string line in data.ReplaceLineEndings("\n").Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return text.Append('\n').ToString();
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
