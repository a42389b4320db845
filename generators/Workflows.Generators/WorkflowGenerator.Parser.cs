using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Generators;

public sealed partial class WorkflowGenerator
{
    /// <summary>
    /// Turns a <c>[Workflow]</c> class into its model, or <see langword="null"/> when it cannot get code
    /// (not partial, a step signature that is not a step's); a model whose graph has errors comes with
    /// the types its stand-in members need.
    /// </summary>
    internal static class Parser
    {
        public static ParsedWorkflow? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return null;
            }

            Compilation compilation = context.SemanticModel.Compilation;
            WorkflowRead read = WorkflowReader.Read(type, method => ReadBody(method, context.SemanticModel, compilation, cancellationToken), cancellationToken);

            WorkflowModel? model = read.Model ?? read.ValidStepsModel;
            if (model is null)
            {
                return null;
            }

            // The graph is checked here rather than at emit time so that an invalid workflow never
            // reaches the real emitter; the analyzers report the same rules with locations.
            GraphAnalysis graph = GraphRules.Analyze(model);
            string start = graph.Start?.TypeName ?? "global::Workflows.StartEvent";
            string stop = graph.Stop?.TypeName ?? "global::Workflows.StopEvent";
            if (!read.NotPartial.IsEmpty)
            {
                // Not partial (WF0007): an extension RunAsync stands in, where one can be written.
                return CanStandBeside(type) ? new ParsedWorkflow(model, new StandInTypes(start, stop, NotPartial: true)) : null;
            }

            // A step signature that is not a step's (WF0005) leaves a model of the other steps: stand-ins only.
            return graph.IsValid && read.Model is not null
                ? new ParsedWorkflow(model, null)
                : new ParsedWorkflow(model, new StandInTypes(start, stop));
        }

        /// <summary>
        /// An extension method in the workflow's namespace can take it: an instance class, not generic,
        /// visible outside itself (public or internal), like every class it is nested in.
        /// </summary>
        private static bool CanStandBeside(INamedTypeSymbol type)
        {
            if (type.IsStatic)
            {
                return false;
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType || current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The operations of a step's body, for the event types it waits for and the workflows it runs.
        /// This transform runs again on every edit of the compilation, so a body is bound only when its
        /// tokens mention <c>WaitForAsync</c>, <c>RunAsync</c> or <c>WriteToStream</c>, or hand the context to
        /// a helper (which may declare waits and streams with <c>[WaitsFor]</c>, <c>[Streams]</c>), which is all
        /// the generator needs from it.
        /// </summary>
        private static StepBody? ReadBody(IMethodSymbol method, SemanticModel targetModel, Compilation compilation, CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax { } declaration && MentionsContextCalls(declaration, ContextName(method)))
                {
                    // Steps may sit in another file of a partial class: use that file's semantic model.
                    SemanticModel model = declaration.SyntaxTree == targetModel.SyntaxTree ? targetModel : compilation.GetSemanticModel(declaration.SyntaxTree);
                    if (model.GetOperation(declaration, cancellationToken) is { } body)
                    {
                        return StepBodyReader.Read(method, new[] { body }, cancellationToken);
                    }
                }
            }

            return null;
        }

        private static bool MentionsContextCalls(MethodDeclarationSyntax declaration, string? context)
        {
            SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
            if (body is null)
            {
                return false;
            }

            foreach (SyntaxToken token in body.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) &&
                    (token.ValueText is "WaitForAsync" or "RunAsync" or "WriteToStream" || (token.ValueText == context && !IsOwnMemberAccess(token))))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The name of the step's <c>WorkflowContext</c> parameter, if it has one.</summary>
        private static string? ContextName(IMethodSymbol method)
        {
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (WellKnownTypes.IsWorkflowContext(parameter.Type))
                {
                    return parameter.Name;
                }
            }

            return null;
        }

        /// <summary><c>ctx.Send(…)</c>, <c>ctx.Store</c>…: the context used through its own members, which hand it to no helper.</summary>
        private static bool IsOwnMemberAccess(SyntaxToken token) =>
            token.Parent is IdentifierNameSyntax name &&
            name.Parent is MemberAccessExpressionSyntax access &&
            access.Expression == name &&
            access.Name.Identifier.ValueText is "Send" or "SendAfter" or "SendAt" or "Collect" or "Store" or "RunId" or "Attempt" or "SetTag" or "OnceAsync" or "WriteLive";
    }
}
