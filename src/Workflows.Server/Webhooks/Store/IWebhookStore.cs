using Workflows.Durable;

namespace Workflows.Server.Webhooks.Store;

/// <summary>
/// Webhook subscriptions and a durable outbox of deliveries, kept in the same database as the runs:
/// a run's status change is recorded by the store's run-change feed in the transaction that makes it
/// (<see cref="RunChange"/>), fanned out to the subscriptions that want it, and retried until
/// delivered, across restarts. Implemented over the SQL stores by <see cref="SqlWebhookStore"/>.
/// </summary>
internal interface IWebhookStore
{
    /// <summary>Creates the outbox's tables if they are missing (every other member does so on first use).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new subscription.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task AddSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken);

    /// <summary>Every subscription, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscriptions.</returns>
    Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>A subscription by id.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription, or <see langword="null"/>.</returns>
    Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes a subscription with its delivery log; deliveries not yet made are dropped.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> RemoveSubscriptionAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Queues deliveries for run changes and removes the changes, atomically. Returns
    /// <see langword="false"/> and changes nothing if another dispatcher fanned any of them out first.
    /// </summary>
    /// <param name="changes">The changes handled.</param>
    /// <param name="deliveries">The deliveries they make.</param>
    /// <param name="now">When they are first due.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether they were recorded.</returns>
    Task<bool> FanOutAsync(IReadOnlyList<RunChange> changes, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes due deliveries (pending, or sending under an expired lease) under a lease, counting an
    /// attempt for each. A delivery waits while an older one of the same run to the same subscription
    /// is unfinished, so each subscription receives a run's changes in order.
    /// </summary>
    /// <param name="dispatcherId">Who takes them.</param>
    /// <param name="now">The current time.</param>
    /// <param name="lease">How long the lease holds.</param>
    /// <param name="max">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deliveries taken, oldest due first.</returns>
    Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(string dispatcherId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>Gives a taken delivery back untried (its dispatcher is stopping): due at once, the attempt not counted.</summary>
    /// <param name="deliveryId">The delivery.</param>
    /// <param name="dispatcherId">The dispatcher that took it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was still held by that dispatcher.</returns>
    Task<bool> ReleaseWebhookDeliveryAsync(long deliveryId, string dispatcherId, CancellationToken cancellationToken);

    /// <summary>When the soonest pending delivery falls due, if any is pending.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The time, or <see langword="null"/>.</returns>
    Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken);

    /// <summary>Records how an attempt went, if the dispatcher still holds the delivery.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was recorded.</returns>
    Task<bool> RecordWebhookAttemptAsync(WebhookAttemptOutcome outcome, CancellationToken cancellationToken);

    /// <summary>A subscription's deliveries, newest first, a page at a time.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="beforeId">Only deliveries older than this id (for the next page).</param>
    /// <param name="limit">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deliveries.</returns>
    Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(string subscriptionId, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>A delivery's attempts, in order.</summary>
    /// <param name="deliveryId">The delivery.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The attempts.</returns>
    Task<IReadOnlyList<WebhookAttempt>> ListWebhookAttemptsAsync(long deliveryId, CancellationToken cancellationToken);
}
