using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Workflows.Analyzers;

/// <summary>
/// The workflows a compilation runs durably: those given to <c>runtime.Register(…)</c> or
/// <c>builder.AddDurableWorkflow&lt;T&gt;(…)</c> anywhere in it. Found by the names of the calls first, so
/// only those few invocations are bound.
/// </summary>
internal static class DurableWorkflows
{
    /// <returns>Each durable workflow with the JSON contexts it is registered with (none when they are not known statically).</returns>
    public static Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> Find(Compilation compilation, CancellationToken cancellationToken)
    {
        var durable = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
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
                if (model.GetOperation(invocation, cancellationToken) is IInvocationOperation { TargetMethod: var method } operation
                    && DurableSerializationAnalyzer.IsRegistration(method)
                    && method.TypeArguments.Length == 1
                    && method.TypeArguments[0] is INamedTypeSymbol workflow)
                {
                    if (!durable.TryGetValue(workflow.OriginalDefinition, out List<INamedTypeSymbol>? contexts))
                    {
                        durable[workflow.OriginalDefinition] = contexts = [];
                    }

                    if (DurableSerializationAnalyzer.ContextOf(operation) is { } json)
                    {
                        contexts.Add(json);
                    }
                }
            }
        }

        return durable;
    }
}
