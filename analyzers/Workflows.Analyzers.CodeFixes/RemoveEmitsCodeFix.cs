using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0012 and WF0013: removes an <c>[Emits]</c> the step never uses, or that names a type that is not an event.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveEmitsCodeFix)), Shared]
public sealed class RemoveEmitsCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.UnusedEmits.Id, Descriptors.InvalidAttribute.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            bool applies = diagnostic.Id == Descriptors.UnusedEmits.Id || diagnostic.Properties.ContainsKey(DiagnosticProperties.RemoveEmits);
            if (applies && root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { } emits &&
                emits.Parent is AttributeListSyntax list && list.Parent is MethodDeclarationSyntax method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Remove [{emits}]",
                        cancellationToken => RemoveAsync(context.Document, method, list, emits, cancellationToken),
                        equivalenceKey: nameof(RemoveEmitsCodeFix)),
                    diagnostic);
            }
        }
    }

    private static Task<Document> RemoveAsync(Document document, MethodDeclarationSyntax method, AttributeListSyntax list, AttributeSyntax emits, CancellationToken cancellationToken)
    {
        MethodDeclarationSyntax updated = list.Attributes.Count == 1
            ? method.RemoveNode(list, Microsoft.CodeAnalysis.SyntaxRemoveOptions.KeepExteriorTrivia)!
            : method.ReplaceNode(list, list.RemoveNode(emits, Microsoft.CodeAnalysis.SyntaxRemoveOptions.KeepNoTrivia)!);
        return SyntaxFixes.ReplaceAndSimplifyAsync(document, method, updated, cancellationToken);
    }
}
