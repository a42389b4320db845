using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>What the code fixes share: replacing a node, then letting the IDE simplify names and format.</summary>
internal static class SyntaxFixes
{
    /// <summary><c>global::Docs.Approved</c> → <c>Approved</c>, for titles.</summary>
    public static string ShortName(string fullyQualified)
    {
        int generic = fullyQualified.IndexOf('<');
        int dot = fullyQualified.LastIndexOf('.', generic < 0 ? fullyQualified.Length - 1 : generic);
        return fullyQualified.Substring(dot + 1).Replace("global::", string.Empty);
    }

    public static async Task<Document> ReplaceAndSimplifyAsync(Document document, SyntaxNode old, SyntaxNode updated, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(old, updated.WithAdditionalAnnotations(Formatter.Annotation)));
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
