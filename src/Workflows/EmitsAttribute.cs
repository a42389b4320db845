namespace Workflows;

/// <summary>
/// Declares an event type that a step sends with <see cref="WorkflowContext.Send"/> in addition to
/// what it returns, so the generator and analyzers see it in the graph.
/// </summary>
/// <param name="eventType">The event type sent; it must derive from <see cref="Event"/>.</param>
/// <example>
/// <code>
/// [Step, Emits(typeof(Chunk))]
/// private static void Split(Document doc, WorkflowContext ctx)
/// {
///     foreach (var part in doc.Parts) ctx.Send(new Chunk(part));
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class EmitsAttribute(Type eventType) : Attribute
{
    /// <summary>The event type the step sends.</summary>
    public Type EventType { get; } = eventType;
}
