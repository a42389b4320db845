namespace Workflows;

/// <summary>
/// Marks a <see langword="partial"/> class as a workflow. The source generator adds a typed
/// <c>RunAsync</c> method and a static <c>Graph</c> property to it; the analyzers check its graph
/// at build time.
/// </summary>
/// <example>
/// <code>
/// [Workflow]
/// public partial class Greeter
/// {
///     [Step]
///     public static Greeted Greet(Hello hello) => new($"Hello, {hello.Name}!");
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowAttribute : Attribute
{
}
