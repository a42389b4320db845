namespace Workflows.Server.Webhooks.Store;

/// <summary>A webhook subscription: where to post which run changes, and the secret that signs them.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Url">The absolute http(s) URL deliveries are posted to.</param>
/// <param name="Events">The topics it wants (<c>run.completed</c>, <c>run.*</c>, <c>*</c>, ...).</param>
/// <param name="Workflow">Only this workflow's runs, or every workflow's.</param>
/// <param name="Secret">The signing secret.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Enabled">Whether changes are still delivered to it.</param>
/// <param name="CreatedAt">When it was created; changes before then are not delivered to it.</param>
internal sealed record WebhookSubscription(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? Workflow,
    string Secret,
    string? Description,
    bool Enabled,
    DateTimeOffset CreatedAt);

/// <summary>Where a webhook delivery stands.</summary>
internal enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>Being sent by a dispatcher, under a lease.</summary>
    Sending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the subscription was disabled.</summary>
    Failed,
}

/// <summary>A notification to post to one subscription.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="MessageId">The message's id, the same on every attempt, so receivers can drop repeats.</param>
/// <param name="Topic">What happened (<c>run.completed</c>, ...).</param>
/// <param name="RunId">The run it is about.</param>
/// <param name="Payload">The JSON body.</param>
internal sealed record NewWebhookDelivery(string SubscriptionId, string MessageId, string Topic, string RunId, string Payload);

/// <summary>A webhook delivery and how its attempts went.</summary>
/// <param name="Id">Its id.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="MessageId">The message's id, the same on every attempt.</param>
/// <param name="Topic">What happened.</param>
/// <param name="RunId">The run it is about.</param>
/// <param name="Payload">The JSON body.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Attempts">How many attempts were started.</param>
/// <param name="NextAttemptAt">When it is due (for a pending delivery).</param>
/// <param name="LastStatusCode">The receiver's last HTTP status, if it answered.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="FinishedAt">When it was delivered or given up.</param>
internal sealed record WebhookDelivery(
    long Id,
    string SubscriptionId,
    string MessageId,
    string Topic,
    string RunId,
    string Payload,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>One attempt at a webhook delivery.</summary>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="Attempt">Which attempt, from 1.</param>
/// <param name="At">When it started.</param>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="Duration">How long it took.</param>
internal sealed record WebhookAttempt(long DeliveryId, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, TimeSpan Duration);

/// <summary>How an attempt ended, to record.</summary>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="DispatcherId">The dispatcher that holds its lease; nothing is recorded if another holds it now.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Status">Delivered, Pending (to retry at <paramref name="RetryAt"/>) or Failed.</param>
/// <param name="RetryAt">When to try again.</param>
internal sealed record WebhookAttemptOutcome(long DeliveryId, string DispatcherId, WebhookAttempt Attempt, WebhookDeliveryStatus Status, DateTimeOffset? RetryAt)
{
    /// <summary>The receiver said 410 Gone: its subscription is disabled, in the same transaction, with this reason.</summary>
    public string? Unsubscribe { get; init; }

    /// <summary>The subscription to disable with <see cref="Unsubscribe"/>.</summary>
    public string? SubscriptionId { get; init; }
}
