namespace Workflows.Generators.Model;

/// <summary>
/// A workflow as the parser leaves it: its model, and — when its graph has errors the analyzers
/// report — what the members standing in for its generated ones need.
/// </summary>
/// <param name="Model">The workflow.</param>
/// <param name="StandIn">Null when the graph is valid and the workflow gets its real code.</param>
internal sealed record ParsedWorkflow(WorkflowModel Model, StandInTypes? StandIn);

/// <summary>
/// The types the stand-in <c>RunAsync</c> and handler are written with: the workflow's StartEvent and
/// StopEvent types when the graph has one of each, else <c>StartEvent</c> and <c>StopEvent</c> themselves.
/// </summary>
/// <param name="StartTypeName">Fully qualified, with <c>global::</c>.</param>
/// <param name="StopTypeName">Fully qualified, with <c>global::</c>.</param>
/// <param name="NotPartial">
/// The class (or a class it is nested in) is not <c>partial</c>, so nothing can be added to it: the
/// stand-in is an extension <c>RunAsync</c> beside it instead.
/// </param>
internal sealed record StandInTypes(string StartTypeName, string StopTypeName, bool NotPartial = false);
