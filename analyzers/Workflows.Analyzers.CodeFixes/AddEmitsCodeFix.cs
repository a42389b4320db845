using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0011: declares the sent event with <c>[Emits(typeof(X))]</c> on the step.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddEmitsCodeFix)), Shared]
public sealed class AddEmitsCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public AddEmitsCodeFix()
        : base(Descriptors.UndeclaredSend)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic) =>
        Property(diagnostic, DiagnosticProperties.EventType) is { } eventType &&
        root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method
            ? new Fix(
                $"Declare [Emits(typeof({ShortName(eventType)}))] on '{method.Identifier.ValueText}'",
                nameof(AddEmitsCodeFix) + eventType,
                (document, cancellationToken) => AddEmitsAsync(document, method, eventType, cancellationToken))
            : null;

    private static async Task<Document> AddEmitsAsync(Document document, MethodDeclarationSyntax method, string eventType, CancellationToken cancellationToken)
    {
        AttributeSyntax emits = SyntaxFactory.Attribute(
            SyntaxFactory.ParseName("global::Workflows.Emits").WithAdditionalAnnotations(Simplifier.Annotation),
            SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(
                SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(eventType).WithAdditionalAnnotations(Simplifier.Annotation))))));

        // Beside [Step] when there is one: [Step, Emits(typeof(Chunk))].
        AttributeListSyntax? stepList = method.AttributeLists.FirstOrDefault(list => list.Attributes.Any(a => SyntaxLocator.IsNamed(a, "Step")));
        MethodDeclarationSyntax updated = stepList is null
            ? method.AddAttributeLists(SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(emits)))
            : method.ReplaceNode(stepList, stepList.AddAttributes(emits));

        return await ReplaceAndSimplifyAsync(document, method, updated, cancellationToken).ConfigureAwait(false);
    }
}
