namespace Workflows;

/// <summary>
/// Marks the member of a <see cref="StartEvent"/> whose value titles a durable run for people (run
/// lists show it, searches find it) when the run is not given a title at start
/// (<c>DurableRunOptions.Title</c>). On a positional record, mark the parameter.
/// </summary>
/// <example>
/// <code>
/// public sealed record InvoiceReceived([RunTitle] string Subject, decimal Amount) : StartEvent;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = true)]
public sealed class RunTitleAttribute : Attribute
{
}
