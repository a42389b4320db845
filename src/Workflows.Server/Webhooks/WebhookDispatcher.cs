using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.Server.Api;
using Workflows.Server.Webhooks.Store;

namespace Workflows.Server.Webhooks;

/// <summary>
/// Sends webhooks from the store's outbox: takes run changes off the change feed and queues one
/// delivery per interested subscription (atomically, once, however many servers run this), then
/// posts due deliveries under a lease, signed, retrying failures with exponential backoff until they
/// succeed or run out of attempts. A crash loses nothing: unsent deliveries stay in the store.
/// </summary>
internal sealed partial class WebhookDispatcher(
    WorkflowRuntime runtime,
    WebhookOutbox outbox,
    HumanTasks tasks,
    WebhookSender sender,
    IOptions<WorkflowServerOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int Batch = 16;
    private readonly string _id = $"{Environment.MachineName}:{Environment.ProcessId}:webhooks:{Guid.NewGuid().ToString("N")[..8]}";
    private WebhookSettings Settings => options.Value.Webhooks;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Dispatch)
        {
            return;
        }

        if (outbox.Store is not { } store)
        {
            LogUnsupported(logger, outbox.Unsupported);
            return;
        }

        bool prepared = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool busy;
            try
            {
                if (!prepared)
                {
                    // The module's registration: its tables exist, and every process now records run changes for it.
                    await store.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
                    await runtime.Store.SetRunChangeFeedAsync(true, stoppingToken).ConfigureAwait(false);
                    prepared = true;
                }

                busy = await FanOutAsync(store, stoppingToken).ConfigureAwait(false) | await DeliverAsync(store, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // The store is not open yet, or failed for a moment: nothing was lost, look again shortly.
                LogFailure(logger, error);
                busy = false;
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(Settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Turns pending run changes into deliveries; whether there were any.</summary>
    internal async Task<bool> FanOutAsync(IWebhookStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<RunChange> changes = await runtime.Store.ReadRunChangesAsync(100, cancellationToken).ConfigureAwait(false);
        if (changes.Count == 0)
        {
            return false;
        }

        IReadOnlyList<WebhookSubscription> subscriptions = await store.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        var deliveries = new List<NewWebhookDelivery>();
        foreach (RunChange change in changes)
        {
            string topic = WebhookTopics.Of(change);
            List<WebhookSubscription> interested = [.. subscriptions.Where(s => WebhookTopics.Wants(s, change, topic))];
            if (interested.Count == 0)
            {
                continue;
            }

            string payload = await PayloadAsync(change, topic, cancellationToken).ConfigureAwait(false);
            string messageId = "msg_" + Guid.CreateVersion7().ToString("N");
            deliveries.AddRange(interested.Select(s => new NewWebhookDelivery(s.Id, messageId, topic, change.RunId, payload)));
        }

        // False when another dispatcher fanned these out first: it queued them, so nothing is lost or doubled.
        await store.FanOutAsync(changes, deliveries, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Posts the due deliveries; whether there were any.</summary>
    internal async Task<bool> DeliverAsync(IWebhookStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookDelivery> due = await store.ClaimWebhookDeliveriesAsync(_id, time.GetUtcNow(), Settings.Timeout + TimeSpan.FromSeconds(10), Batch, cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return false;
        }

        // Taken now: from here each delivery is attempted or given back, even if the server is stopping.
        IReadOnlyList<WebhookSubscription> subscriptions;
        try
        {
            subscriptions = await store.ListSubscriptionsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await Task.WhenAll(due.Select(d => store.ReleaseWebhookDeliveryAsync(d.Id, _id, CancellationToken.None))).ConfigureAwait(false);
            throw;
        }

        await Task.WhenAll(due.Select(d => AttemptAsync(store, d, subscriptions.FirstOrDefault(s => s.Id == d.SubscriptionId), cancellationToken))).ConfigureAwait(false);
        return true;
    }

    private async Task AttemptAsync(IWebhookStore store, WebhookDelivery delivery, WebhookSubscription? subscription, CancellationToken cancellationToken)
    {
        DateTimeOffset started = time.GetUtcNow();
        long began = Stopwatch.GetTimestamp();
        WebhookSendResult result = subscription is null
            ? new WebhookSendResult(null, "its subscription was deleted", Gone: true)
            : await sender.SendAsync(subscription, delivery, cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            // Stopping: give it back untried, for this server's next start or another server to send at once.
            await store.ReleaseWebhookDeliveryAsync(delivery.Id, _id, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var attempt = new WebhookAttempt(delivery.Id, delivery.Attempts, started, result.StatusCode, result.Error, Stopwatch.GetElapsedTime(began));
        WebhookDeliveryStatus status;
        DateTimeOffset? retryAt = null;
        if (result.Error is null)
        {
            status = WebhookDeliveryStatus.Delivered;
        }
        else if (result.Gone || delivery.Attempts >= Settings.MaxAttempts)
        {
            status = WebhookDeliveryStatus.Failed;
            LogGaveUp(logger, delivery.MessageId, delivery.SubscriptionId, delivery.Attempts, result.Error);
        }
        else
        {
            status = WebhookDeliveryStatus.Pending;
            retryAt = time.GetUtcNow() + Backoff(delivery.Attempts);
        }

        await store.RecordWebhookAttemptAsync(
            new WebhookAttemptOutcome(delivery.Id, _id, attempt, status, retryAt)
            {
                Unsubscribe = result.Gone && subscription is not null ? $"disabled: {result.Error}" : null,
                SubscriptionId = subscription?.Id,
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Base × 2^(attempt − 1), capped, with ±20% jitter so failed receivers are not hit in step.</summary>
    internal TimeSpan Backoff(int failedAttempt)
    {
        double delay = Math.Min(Settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, failedAttempt - 1), Settings.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task<string> PayloadAsync(RunChange change, string topic, CancellationToken cancellationToken)
    {
        RunRecord? run = await runtime.GetRunAsync(change.RunId, cancellationToken).ConfigureAwait(false);
        HumanTask? task = change.TaskId is { } taskId
            ? await runtime.Tasks.GetAsync(taskId, cancellationToken).ConfigureAwait(false) is { } record ? await tasks.FromRecordAsync(record, null, withHistory: false, cancellationToken).ConfigureAwait(false) : null
            : await tasks.AtAsync(change, cancellationToken).ConfigureAwait(false);
        var data = new WebhookRunData(
            change.RunId,
            change.Workflow,
            change.To,
            change.From,
            run?.CreatedAt ?? change.At,
            change.To == WorkflowRunStatus.Completed ? run?.ResultType : null,
            change.To == WorkflowRunStatus.Completed && run?.ResultPayload is { } result ? new RawJson(result) : null,
            run is { IsFinished: true } && change.To == run.Status ? run.Error : null,
            task);
        return JsonSerializer.Serialize(new WebhookMessage(topic, change.At, data), ServerJson.Default.WebhookMessage);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Webhooks are off: {Reason}")]
    private static partial void LogUnsupported(ILogger logger, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The webhook dispatcher failed; it will try again")]
    private static partial void LogFailure(ILogger logger, Exception error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Webhook {MessageId} to subscription {Subscription} given up after {Attempts} attempt(s): {Error}")]
    private static partial void LogGaveUp(ILogger logger, string messageId, string subscription, int attempts, string error);
}

/// <summary>How one post went: the receiver's status, and the error if it was not a success.</summary>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">Why it failed, or <see langword="null"/> on 2xx.</param>
/// <param name="Gone">The receiver said 410 Gone: stop delivering to it.</param>
internal sealed record WebhookSendResult(int? StatusCode, string? Error, bool Gone = false);

/// <summary>Posts one signed delivery through an HTTP client that connects only to addresses the policy allows, and never follows redirects.</summary>
internal sealed class WebhookSender(HttpClient client, WebhookAddressPolicy policy, IOptions<WorkflowServerOptions> options, TimeProvider time)
{
    public async Task<WebhookSendResult> SendAsync(WebhookSubscription subscription, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            var url = new Uri(subscription.Url);
            IPAddress[] addresses = await policy.ResolveAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
            if (url.Scheme == Uri.UriSchemeHttp && !policy.IsAllowListed(addresses))
            {
                return new WebhookSendResult(null, "refused: plain http is only allowed inside allow-listed networks");
            }

            DateTimeOffset now = time.GetUtcNow();
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", delivery.MessageId);
            request.Headers.Add("webhook-timestamp", WebhookSignature.Seconds(now));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(subscription.Secret, delivery.MessageId, now, delivery.Payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Webhooks.Timeout);
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => new WebhookSendResult(status, null),
                410 => new WebhookSendResult(status, "the receiver answered 410 Gone", Gone: true),
                >= 300 and < 400 => new WebhookSendResult(status, $"the receiver answered {status} (redirects are not followed) to {response.Headers.Location}"),
                _ => new WebhookSendResult(status, $"the receiver answered {status} {response.ReasonPhrase}"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookSendResult(null, $"no answer within {options.Value.Webhooks.Timeout.TotalSeconds:0.#} s");
        }
        catch (WebhookRefusedException refused)
        {
            return new WebhookSendResult(null, "refused: " + refused.Message);
        }
        catch (HttpRequestException error)
        {
            Exception cause = error.InnerException is WebhookRefusedException refused ? refused : error;
            return new WebhookSendResult(null, (cause is WebhookRefusedException ? "refused: " : "could not connect: ") + cause.Message);
        }
        catch (OperationCanceledException)
        {
            return new WebhookSendResult(null, "stopped");
        }
    }
}
