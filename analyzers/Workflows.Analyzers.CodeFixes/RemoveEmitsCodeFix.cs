using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0012 and WF0013: removes an <c>[Emits]</c> the step never uses, or that names a type that is not an event.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveEmitsCodeFix)), Shared]
public sealed class RemoveEmitsCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public RemoveEmitsCodeFix()
        : base(Descriptors.UnusedEmits, Descriptors.InvalidAttribute)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic)
    {
        bool applies = diagnostic.Id == Descriptors.UnusedEmits.Id || diagnostic.Properties.ContainsKey(DiagnosticProperties.RemoveEmits);
        return applies && root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { } emits &&
            emits.Parent is AttributeListSyntax list && list.Parent is MethodDeclarationSyntax method
            ? new Fix($"Remove [{emits}]", nameof(RemoveEmitsCodeFix), (document, cancellationToken) => RemoveAsync(document, method, list, emits, cancellationToken))
            : null;
    }

    private static Task<Document> RemoveAsync(Document document, MethodDeclarationSyntax method, AttributeListSyntax list, AttributeSyntax emits, CancellationToken cancellationToken)
    {
        MethodDeclarationSyntax updated = list.Attributes.Count == 1
            ? method.RemoveNode(list, Microsoft.CodeAnalysis.SyntaxRemoveOptions.KeepExteriorTrivia)!
            : method.ReplaceNode(list, list.RemoveNode(emits, Microsoft.CodeAnalysis.SyntaxRemoveOptions.KeepNoTrivia)!);
        return ReplaceAndSimplifyAsync(document, method, updated, cancellationToken);
    }
}
