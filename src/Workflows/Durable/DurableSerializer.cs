using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Workflows.Infrastructure;

namespace Workflows.Durable;

/// <summary>
/// Stores a workflow's events and state values as JSON (System.Text.Json), with each event's full
/// type name as its discriminator, taken from the generator's list of the workflow's event types.
/// The AOT-safe path uses the caller's <see cref="JsonSerializerContext"/>.
/// </summary>
internal sealed class DurableSerializer
{
    private readonly string _workflow;
    private readonly Func<Type, JsonTypeInfo?> _resolve;
    private readonly string _source;
    private readonly Dictionary<string, Type> _eventTypes = new(StringComparer.Ordinal);

    private DurableSerializer(WorkflowDefinition definition, Func<Type, JsonTypeInfo?> resolve, string source)
    {
        _workflow = definition.Name;
        _resolve = resolve;
        _source = source;
        foreach (GraphEvent ev in definition.Graph.Events)
        {
            _eventTypes[Name(ev.Type)] = ev.Type;
        }

        foreach (Type streamed in definition.StreamedTypes)
        {
            _eventTypes[Name(streamed)] = streamed;
        }
    }

    /// <summary>Serializes with the caller's source-generated context: trimming- and AOT-safe.</summary>
    public static DurableSerializer ForContext(WorkflowDefinition definition, JsonSerializerContext context) =>
        new(definition, type => context.GetTypeInfo(type) ?? EngineJsonContext.Default.GetTypeInfo(type), context.GetType().Name);

    /// <summary>Serializes by reflection over the event types.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON serialization; pass a JsonSerializerContext for trimmed or AOT applications.")]
    [RequiresDynamicCode("Reflection-based JSON serialization; pass a JsonSerializerContext for trimmed or AOT applications.")]
    public static DurableSerializer ForReflection(WorkflowDefinition definition)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        return new(definition, type => EngineJsonContext.Default.GetTypeInfo(type) ?? options.GetTypeInfo(type), "reflection");
    }

    /// <summary>The discriminator of an event type: its full name.</summary>
    public static string Name(Type type) => type.FullName ?? type.Name;

    /// <summary>
    /// The stored type of a list of events: what an empty fan-out records for each join that closes it
    /// (<c>[]</c>), and the items a failed join hands its error handler; each item with its own type.
    /// </summary>
    public static readonly string EventListType = Name(typeof(Infrastructure.EventList));

    /// <summary>The type behind a discriminator, if the workflow knows it.</summary>
    public bool TryGetType(string name, [NotNullWhen(true)] out Type? type) => _eventTypes.TryGetValue(name, out type) || TryStepFailed(name, out type);

    public string Serialize(Event ev)
    {
        if (ev is StepFailedEvent failed)
        {
            return SerializeFailure(failed);
        }

        if (ev is Infrastructure.EventList list)
        {
            return new JsonArray([.. list.Items.Select(item => new JsonObject { ["type"] = Name(item.GetType()), ["event"] = JsonNode.Parse(Serialize(item)) })]).ToJsonString();
        }

        return SerializeValue(ev, ev.GetType());
    }

    /// <summary>
    /// An answer as its step sees it: who sent it comes from the journal, since
    /// <see cref="HumanResponseEvent.AnsweredBy"/> is not in the event's JSON.
    /// </summary>
    public static Event Answered(Event ev, string? sentBy) =>
        ev is HumanResponseEvent answer && sentBy is not null ? answer with { AnsweredBy = sentBy } : ev;

    public Event Deserialize(string type, string payload)
    {
        if (type == Name(typeof(StepFailedEvent)))
        {
            return DeserializeFailure(payload);
        }

        if (type == EventListType)
        {
            JsonArray items = JsonNode.Parse(payload) as JsonArray ?? throw new WorkflowStoreException($"A stored list of events of workflow '{_workflow}' is not a JSON array.");
            return new Infrastructure.EventList([.. items.Select(item => Deserialize((string)item!["type"]!, item["event"]!.ToJsonString()))]);
        }

        if (!_eventTypes.TryGetValue(type, out Type? eventType))
        {
            throw new WorkflowStoreException($"A stored event of workflow '{_workflow}' has the type '{type}', which this build of the workflow does not have.");
        }

        return (Event)(DeserializeValue(payload, eventType)
            ?? throw new WorkflowStoreException($"A stored '{type}' of workflow '{_workflow}' is null."));
    }

    public string SerializeValue(object? value, Type type)
    {
        JsonTypeInfo info = TypeInfo(type);
        try
        {
            return JsonSerializer.Serialize(value, info);
        }
        catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new WorkflowSerializationException($"Workflow '{_workflow}' cannot store a '{type.Name}' as JSON with {_source}: {error.Message}", error);
        }
    }

    public object? DeserializeValue(string json, Type type)
    {
        JsonTypeInfo info = TypeInfo(type);
        try
        {
            return JsonSerializer.Deserialize(json, info);
        }
        catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new WorkflowSerializationException(
                $"A stored '{type.Name}' of workflow '{_workflow}' no longer reads as one ({error.Message}). It was written by another shape of the type; " +
                "finish such runs with the build that started them, or keep the type readable (add members with defaults instead of changing them).",
                error);
        }
    }

    /// <summary>Reads an event of a known type from UTF-8 JSON; a <see cref="JsonException"/> says where it is wrong.</summary>
    public Event Read(Type type, ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, TypeInfo(type)) as Event
            ?? throw new JsonException($"Expected a JSON object for '{type.Name}', not null.");

    public JsonTypeInfo TypeInfo(Type type) =>
        _resolve(type) ?? throw new WorkflowSerializationException(
            $"{_source} cannot serialize '{type.Name}', which workflow '{_workflow}' stores. Add [JsonSerializable(typeof({type.Name}))] to {_source}.");

    private static bool TryStepFailed(string name, [NotNullWhen(true)] out Type? type)
    {
        type = name == Name(typeof(StepFailedEvent)) ? typeof(StepFailedEvent) : null;
        return type is not null;
    }

    /// <summary>A StepFailedEvent holds an exception, which does not round-trip: its type and message are kept.</summary>
    private string SerializeFailure(StepFailedEvent failed) => new JsonObject
    {
        ["step"] = failed.StepName,
        ["eventType"] = Name(failed.Event.GetType()),
        ["event"] = JsonNode.Parse(Serialize(failed.Event)),
        ["exceptionType"] = failed.Exception is StoredStepException stored ? stored.OriginalType : failed.Exception.GetType().FullName,
        ["message"] = failed.Exception.Message,
        ["attempts"] = failed.Attempts,
    }.ToJsonString();

    private StepFailedEvent DeserializeFailure(string payload)
    {
        JsonNode node = JsonNode.Parse(payload) ?? throw new WorkflowStoreException($"A stored StepFailedEvent of workflow '{_workflow}' is empty.");
        Event inner = Deserialize((string)node["eventType"]!, node["event"]!.ToJsonString());
        return new StepFailedEvent(
            (string)node["step"]!,
            inner,
            new StoredStepException((string?)node["exceptionType"] ?? "Exception", (string?)node["message"] ?? string.Empty),
            (int)node["attempts"]!);
    }
}

/// <summary>A step's exception as a durable run remembers it: its type's name and its message.</summary>
public sealed class StoredStepException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="originalType">The full name of the exception's type when it was thrown.</param>
    /// <param name="message">Its message.</param>
    public StoredStepException(string originalType, string message)
        : base(message)
    {
        OriginalType = originalType;
    }

    /// <summary>Creates the exception.</summary>
    public StoredStepException()
    {
        OriginalType = nameof(Exception);
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Its message.</param>
    /// <param name="innerException">The cause.</param>
    public StoredStepException(string message, Exception innerException)
        : base(message, innerException)
    {
        OriginalType = innerException?.GetType().FullName ?? nameof(Exception);
    }

    /// <summary>The full name of the exception's type when it was thrown.</summary>
    public string OriginalType { get; }
}

/// <summary>
/// The values the engine itself keeps in a run's state (fan-in batches, recovery counts), and JSON
/// values themselves, which a workflow's context need not list (packages on top record them with <c>ctx.OnceAsync</c>).
/// </summary>
[JsonSerializable(typeof(List<StoredAnswer>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ChildRunEnded))]
[JsonSerializable(typeof(int))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
