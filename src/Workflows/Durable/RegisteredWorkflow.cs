using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Workflows.Durable;

/// <summary>
/// A workflow registered with a <see cref="WorkflowRuntime"/>, as code outside its process sees it:
/// its graph, the events its runs take from outside, and the JSON its events are stored and sent as.
/// </summary>
public sealed class RegisteredWorkflow
{
    private readonly DurableRegistration _registration;

    internal RegisteredWorkflow(DurableRegistration registration)
    {
        _registration = registration;
        InputEvents = [.. registration.Definition.Graph.Events.Where(e => e.Kind == EventKind.HumanResponse)];
    }

    /// <summary>Its name: <c>[Workflow(Name = …)]</c>, else the class's name.</summary>
    public string Name => _registration.Name;

    /// <summary>Its version under <see cref="Name"/>: <c>[Workflow(Version = …)]</c>, else 1.</summary>
    public int Version => _registration.Definition.Version;

    /// <summary>The <c>[Workflow]</c> class.</summary>
    public Type Type => _registration.Type;

    /// <summary>Its fingerprint in this build; runs started under another cannot be resumed by it.</summary>
    public string Fingerprint => _registration.Definition.Fingerprint;

    /// <summary>Its steps and events.</summary>
    public WorkflowGraph Graph => _registration.Definition.Graph;

    /// <summary>The events callers may send into its runs: the HumanResponseEvent types its steps take or wait for.</summary>
    public IReadOnlyList<GraphEvent> InputEvents { get; }

    /// <summary>Event types its steps write to the stream that the graph does not route (progress, model usage).</summary>
    public IReadOnlyList<Type> StreamedTypes => _registration.Definition.StreamedTypes;

    /// <summary>One of its event types, by the type's name (<c>ReviewerDecision</c>) or full name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The event, or <see langword="null"/>.</returns>
    public GraphEvent? FindEvent(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (GraphEvent ev in Graph.Events)
        {
            if (ev.Name == name || ev.Type.FullName == name)
            {
                return ev;
            }
        }

        return null;
    }

    /// <summary>The JSON contract of one of its event types, as its runs store it (to describe it with a JSON schema, say).</summary>
    /// <param name="eventType">The event type.</param>
    /// <returns>The type's contract.</returns>
    public JsonTypeInfo GetJsonTypeInfo(Type eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return _registration.Serializer.TypeInfo(eventType);
    }

    /// <summary>Reads an event from UTF-8 JSON, as its runs store it.</summary>
    /// <param name="eventType">The event type.</param>
    /// <param name="utf8Json">The JSON.</param>
    /// <returns>The event.</returns>
    /// <exception cref="JsonException">The JSON is malformed or does not fit the type; the message says where.</exception>
    public Event ReadEvent(Type eventType, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return _registration.Serializer.Read(eventType, utf8Json);
    }

    /// <summary>Writes an event as JSON, as its runs store it.</summary>
    /// <param name="ev">The event.</param>
    /// <returns>The JSON.</returns>
    public string WriteEvent(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return _registration.Serializer.Serialize(ev);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
