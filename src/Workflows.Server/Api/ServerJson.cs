using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Server.Api;

/// <summary>The API's own JSON: camelCase, enums as camelCase strings, generated at compile time.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(RunStatusConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(WorkflowInfo))]
[JsonSerializable(typeof(IReadOnlyList<WorkflowInfo>))]
[JsonSerializable(typeof(RunInfo))]
[JsonSerializable(typeof(RunDetail))]
[JsonSerializable(typeof(RunList))]
[JsonSerializable(typeof(PurgeRequest))]
[JsonSerializable(typeof(ScheduleInfo))]
[JsonSerializable(typeof(IReadOnlyList<ScheduleInfo>))]
[JsonSerializable(typeof(PurgeResult))]
[JsonSerializable(typeof(JournalEntry))]
[JsonSerializable(typeof(JournalPage))]
[JsonSerializable(typeof(TaskList))]
[JsonSerializable(typeof(HumanTask))]
[JsonSerializable(typeof(DelegateTaskRequest))]
[JsonSerializable(typeof(ReassignTaskRequest))]
[JsonSerializable(typeof(EventAccepted))]
[JsonSerializable(typeof(SendEventRequest))]
[JsonSerializable(typeof(WebhookInfo))]
[JsonSerializable(typeof(IReadOnlyList<WebhookInfo>))]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(WebhookDeliveryPage))]
[JsonSerializable(typeof(WebhookMessage))]
[JsonSerializable(typeof(Caller))]
[JsonSerializable(typeof(AccessInfo))]
internal sealed partial class ServerJson : JsonSerializerContext;

/// <summary>Run statuses as camelCase strings: <c>running</c>, <c>waitingForInput</c>, <c>completed</c>.</summary>
internal sealed class RunStatusConverter() : JsonStringEnumConverter<WorkflowRunStatus>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
