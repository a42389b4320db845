namespace Workflows.Generators.Model;

/// <summary>
/// A <c>[Workflow]</c> class whose declaration and every step signature are valid: the generator's
/// whole input for one workflow.
/// </summary>
/// <remarks>
/// The contract of every model type: immutable, value equality all the way down, and no
/// <c>ISymbol</c>, <c>SyntaxNode</c>, <c>Location</c> or <c>Compilation</c>; a symbol is reduced to
/// its fully qualified name. That is what lets the incremental pipeline cache it across edits.
/// </remarks>
/// <param name="Name">The class name: <c>ReviewFlow</c>.</param>
/// <param name="Hierarchy">Where the class lives.</param>
/// <param name="IsStatic">Whether the class is static (then <c>RunAsync</c> is too).</param>
/// <param name="Steps">The steps, in declaration order; their index is their number in the dispatcher.</param>
/// <param name="HandlerName">The name of the generated typed handler nested in the class (<c>Handler</c> unless taken).</param>
/// <param name="WorkflowName">The name runs are stored under: <c>[Workflow(Name = …)]</c>, else the class name.</param>
/// <param name="Version">The version under that name: <c>[Workflow(Version = …)]</c>, else 1.</param>
internal sealed record WorkflowModel(string Name, HierarchyInfo Hierarchy, bool IsStatic, EquatableArray<StepModel> Steps, string HandlerName, string WorkflowName, int Version);
