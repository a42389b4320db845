namespace Workflows.Generators.Model;

/// <summary>
/// Where a workflow class lives: its namespace and the chain of types around it, so generated code
/// reopens namespaced and nested classes exactly.
/// </summary>
/// <param name="Namespace">The namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="Types">The declaring types, outermost first; the workflow class is last.</param>
/// <param name="FullyQualifiedName">The workflow's type as code writes it: <c>global::Docs.Outer.Flow&lt;T&gt;</c>.</param>
/// <param name="HintName">The generated file's name, unique per workflow: <c>Docs.Outer.Flow.Workflow.g.cs</c>.</param>
internal sealed record HierarchyInfo(string? Namespace, EquatableArray<TypeDeclaration> Types, string FullyQualifiedName, string HintName);
