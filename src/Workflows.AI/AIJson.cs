using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.AI;

/// <summary>
/// A model call as a durable run records it (through <c>ctx.OnceAsync</c>): the messages the model
/// answered with (as <c>Microsoft.Extensions.AI</c> writes them), the model and what it used.
/// </summary>
internal sealed record RecordedReply(List<JsonElement> Messages, string? ModelId, long InputTokens, long OutputTokens, long TotalTokens, int Requests);

/// <summary>The JSON of what this package records and reads: its own, so a workflow's context need not know it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RecordedReply))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class AIJson : JsonSerializerContext;
