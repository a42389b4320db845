using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.Server.Http;
using Workflows.Server.Webhooks;
using Workflows.Server.Webhooks.Store;

using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary><c>/webhooks</c>: subscriptions and their delivery logs.</summary>
internal static class WebhookEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", ListAsync).Requires(WorkflowPermission.Administer, "manage webhooks").WithName("ListWebhooks").WithSummary("Every webhook subscription (without secrets).").Produces<IReadOnlyList<WebhookInfo>>();
        webhooks.MapPost("/", CreateAsync)
            .Requires(WorkflowPermission.Administer, "manage webhooks")
            .WithName("CreateWebhook")
            .WithSummary("Subscribes a URL to run changes. The response holds the signing secret, shown this once.")
            .Accepts<CreateWebhookRequest>("application/json")
            .Produces<WebhookInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        webhooks.MapGet("/{id}", GetAsync).Requires(WorkflowPermission.Administer, "manage webhooks").WithName("GetWebhook").WithSummary("One subscription.").Produces<WebhookInfo>().ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("/{id}", DeleteAsync)
            .Requires(WorkflowPermission.Administer, "manage webhooks")
            .WithName("DeleteWebhook")
            .WithSummary("Deletes a subscription and its delivery log; deliveries not yet made are dropped.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id}/deliveries", DeliveriesAsync)
            .Requires(WorkflowPermission.Administer, "manage webhooks")
            .WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's delivery log, newest first: each delivery's status and attempts.")
            .Produces<WebhookDeliveryPage>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<JsonHttpResult<IReadOnlyList<WebhookInfo>>> ListAsync(WebhookOutbox outbox, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookSubscription> all = await Store(outbox).ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<WebhookInfo>>([.. all.Select(s => Info(s, secret: false))], ServerJson.Default.IReadOnlyListWebhookInfo);
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request,
        WebhookOutbox outbox,
        WorkflowCatalog catalog,
        WebhookAddressPolicy policy,
        IOptions<WorkflowServerOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        IWebhookStore store = Store(outbox);
        CreateWebhookRequest create = await RequestBody.ReadObjectAsync(request, options.Value.MaxRequestBodyBytes, ServerJson.Default.CreateWebhookRequest, "webhook subscription", cancellationToken).ConfigureAwait(false);

        IReadOnlyList<string> events = create.Events is { Count: > 0 } asked ? asked : ["*"];
        if (events.FirstOrDefault(e => !WebhookTopics.IsValidFilter(e)) is { } unknown)
        {
            throw Unprocessable("unknown_topic", $"'{unknown}' is not a topic. Topics: {string.Join(", ", WebhookTopics.All)}, or run.*, task.* and * for all.");
        }

        if (create.Workflow is { } workflow && !catalog.TryGet(workflow, out _, out _))
        {
            throw Unprocessable("unknown_workflow", $"No workflow named '{workflow}' is registered here. Registered: {string.Join(", ", catalog.All.Select(w => w.Name))}.");
        }

        if (create.Secret is { } given && !WebhookSignature.IsValidSecret(given))
        {
            throw Unprocessable("bad_secret", "'secret' must be 'whsec_' followed by 24 to 64 random bytes in base64; leave it out to have one made.");
        }

        Uri url;
        try
        {
            url = await WebhookUrl.CheckAsync(create.Url, policy, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookRefusedException refused)
        {
            throw Unprocessable("webhook_url_refused", refused.Message);
        }

        var subscription = new WebhookSubscription(
            "wh_" + Guid.CreateVersion7().ToString("N"),
            url.AbsoluteUri,
            [.. events.Distinct(StringComparer.Ordinal)],
            create.Workflow,
            create.Secret ?? WebhookSignature.NewSecret(),
            create.Description,
            Enabled: true,
            DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()));
        await store.AddSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.Location = $"{options.Value.ApiPath}/webhooks/{subscription.Id}";
        return TypedResults.Json(Info(subscription, secret: true), ServerJson.Default.WebhookInfo, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<JsonHttpResult<WebhookInfo>> GetAsync(string id, WebhookOutbox outbox, CancellationToken cancellationToken) =>
        TypedResults.Json(Info(await FindAsync(Store(outbox), id, cancellationToken).ConfigureAwait(false), secret: false), ServerJson.Default.WebhookInfo);

    private static async Task<NoContent> DeleteAsync(string id, WebhookOutbox outbox, CancellationToken cancellationToken)
    {
        if (!await Store(outbox).RemoveSubscriptionAsync(id, cancellationToken).ConfigureAwait(false))
        {
            throw NotFound(id);
        }

        return TypedResults.NoContent();
    }

    private static async Task<JsonHttpResult<WebhookDeliveryPage>> DeliveriesAsync(
        string id,
        string? before,
        string? limit,
        WebhookOutbox outbox,
        CancellationToken cancellationToken)
    {
        IWebhookStore store = Store(outbox);
        _ = await FindAsync(store, id, cancellationToken).ConfigureAwait(false);
        long? beforeId = before is null ? null : Query.Sequence("before", before);
        int max = Query.Integer("limit", limit, 50, 1, 200);
        IReadOnlyList<WebhookDelivery> deliveries = await store.ListWebhookDeliveriesAsync(id, beforeId, max, cancellationToken).ConfigureAwait(false);
        var page = new List<WebhookDeliveryInfo>(deliveries.Count);
        foreach (WebhookDelivery delivery in deliveries)
        {
            IReadOnlyList<WebhookAttempt> attempts = await store.ListWebhookAttemptsAsync(delivery.Id, cancellationToken).ConfigureAwait(false);
            page.Add(new WebhookDeliveryInfo(
                delivery.Id,
                delivery.MessageId,
                delivery.Topic,
                delivery.RunId,
                JsonNamingPolicy.CamelCase.ConvertName(delivery.Status.ToString()),
                delivery.Attempts,
                delivery.Status == WebhookDeliveryStatus.Pending ? delivery.NextAttemptAt : null,
                delivery.LastStatusCode,
                delivery.LastError,
                delivery.CreatedAt,
                delivery.FinishedAt,
                new RawJson(delivery.Payload),
                [.. attempts.Select(a => new WebhookAttemptInfo(a.Attempt, a.At, a.StatusCode, a.Error, (long)a.Duration.TotalMilliseconds))]));
        }

        return TypedResults.Json(new WebhookDeliveryPage(page, deliveries.Count == max ? deliveries[^1].Id : null), ServerJson.Default.WebhookDeliveryPage);
    }

    private static WebhookInfo Info(WebhookSubscription s, bool secret) =>
        new(s.Id, s.Url, s.Events, s.Workflow, s.Description, s.Enabled, s.CreatedAt, secret ? s.Secret : null);

    private static async Task<WebhookSubscription> FindAsync(IWebhookStore store, string id, CancellationToken cancellationToken) =>
        await store.GetSubscriptionAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);

    private static ApiProblemException NotFound(string id) => new(StatusCodes.Status404NotFound, "webhook_not_found", $"No webhook subscription has the id '{id}'.");

    private static ApiProblemException Unprocessable(string code, string detail) => new(StatusCodes.Status422UnprocessableEntity, code, detail);

    private static IWebhookStore Store(WebhookOutbox outbox) =>
        outbox.Store ?? throw new ApiProblemException(StatusCodes.Status501NotImplemented, "webhooks_unsupported", outbox.Unsupported);
}
