namespace Workflows.Generators.Model;

/// <summary>A workflow a step runs with <c>ctx.RunAsync</c>: its type, and the events it takes from outside.</summary>
/// <param name="TypeName">Fully qualified, with <c>global::</c>.</param>
/// <param name="Inputs">The HumanResponseEvent types its steps take, which answers sent to the parent may reach.</param>
internal sealed record ChildWorkflow(string TypeName, EquatableArray<EventRef> Inputs);
