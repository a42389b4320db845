using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0011: declares the sent event with <c>[Emits(typeof(X))]</c> on the step.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddEmitsCodeFix)), Shared]
public sealed class AddEmitsCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.UndeclaredSend.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(DiagnosticProperties.EventType, out string? eventType) && eventType is not null &&
                root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Declare [Emits(typeof({SyntaxFixes.ShortName(eventType)}))] on '{method.Identifier.ValueText}'",
                        cancellationToken => AddEmitsAsync(context.Document, method, eventType, cancellationToken),
                        equivalenceKey: nameof(AddEmitsCodeFix) + eventType),
                    diagnostic);
            }
        }
    }

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

        return await SyntaxFixes.ReplaceAndSimplifyAsync(document, method, updated, cancellationToken).ConfigureAwait(false);
    }
}
