namespace Workflows.Generators.Model;

/// <summary>One type in the chain that declares a workflow: how to reopen it as a partial declaration.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>static class</c>, <c>record</c>, <c>struct</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The name with its type parameters: <c>Flow</c>, <c>Outer&lt;T&gt;</c>.</param>
internal sealed record TypeDeclaration(string Keyword, string Name);
