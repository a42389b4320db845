using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Analyzers;

/// <summary>
/// The workflows a compilation runs durably: those given to <c>runtime.Register(…)</c> or
/// <c>builder.AddDurableWorkflow&lt;T&gt;(…)</c> anywhere in it. Found by the names of the calls first, so
/// only those few invocations are bound.
/// </summary>
internal static class DurableWorkflows
{
    public static HashSet<INamedTypeSymbol> Find(Compilation compilation, CancellationToken cancellationToken)
    {
        var durable = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (SyntaxNode node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                // Register's type argument is often inferred (runtime.Register(() => new Flow(), json)).
                if (node is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Register" or "AddDurableWorkflow" } } invocation)
                {
                    continue;
                }

                model ??= compilation.GetSemanticModel(tree);
                if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                    && DurableSerializationAnalyzer.IsRegistration(method)
                    && method.TypeArguments.Length == 1
                    && method.TypeArguments[0] is INamedTypeSymbol workflow)
                {
                    durable.Add(workflow.OriginalDefinition);
                }
            }
        }

        return durable;
    }
}
