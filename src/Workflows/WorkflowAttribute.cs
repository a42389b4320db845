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
    /// <summary>
    /// The name durable runs are stored under; default the class's name. Two classes may carry one
    /// name with different <see cref="Version"/>s: the old one finishes the runs stored under it, new
    /// runs start on the newest.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The workflow's version under <see cref="Name"/>, 1 or more; default 1. Give a changed workflow a
    /// new version (and keep the old class) when its change would strand runs stored under the old one.
    /// </summary>
    /// <example>
    /// <code>
    /// [Workflow(Name = "Shipping", Version = 2)]
    /// public partial class ShippingFlow { … }
    ///
    /// [Workflow(Name = "Shipping")]   // version 1: finishes the runs it started
    /// public partial class ShippingFlowV1 { … }
    /// </code>
    /// </example>
    public int Version { get; set; } = 1;
}
