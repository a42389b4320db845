using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0007: adds <c>partial</c> to a workflow class, or to a type that contains one.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public MakePartialCodeFix()
        : base(Descriptors.NotPartial)
    {
    }

    // The diagnostic sits on the type's identifier; [Step]-outside-a-workflow sits on an attribute and has no such fix.
    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is TypeDeclarationSyntax declaration && declaration.Identifier.Span == diagnostic.Location.SourceSpan
            ? new Fix($"Make '{declaration.Identifier.ValueText}' partial", nameof(MakePartialCodeFix), (document, cancellationToken) => MakePartialAsync(document, declaration, cancellationToken))
            : null;

    private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;

        // 'partial' goes last among the modifiers, right before the keyword: public static partial class.
        SyntaxToken partialKeyword = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        TypeDeclarationSyntax updated;
        if (declaration.Modifiers.Count == 0)
        {
            SyntaxToken keyword = declaration.Keyword;
            updated = declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partialKeyword.WithLeadingTrivia(keyword.LeadingTrivia)));
        }
        else
        {
            updated = declaration.WithModifiers(declaration.Modifiers.Add(partialKeyword));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(declaration, updated));
    }
}
