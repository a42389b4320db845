namespace Workflows;

/// <summary>
/// Declares, on a helper method that takes a <see cref="WorkflowContext"/>, an event type it writes
/// with <see cref="WorkflowContext.WriteToStream"/>, so a step that calls it is known to stream it (a
/// durable run stores it and reads it back), as for a <c>ctx.WriteToStream</c> written in the step itself.
/// </summary>
/// <param name="eventType">The event type written to the stream.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class StreamsAttribute(Type eventType) : Attribute
{
    /// <summary>The event type written to the stream.</summary>
    public Type EventType { get; } = eventType;
}
