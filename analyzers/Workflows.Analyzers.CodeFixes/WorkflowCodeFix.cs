using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>
/// What every Workflows code fix shares: the diagnostics it fixes, one pass over them with the
/// document's root, a code action per fix offered, batch fix-all, and replacing a node followed by
/// simplifying names and formatting. A fix only says, per diagnostic, what it would change.
/// </summary>
public abstract class WorkflowCodeFix : CodeFixProvider
{
    /// <summary>Creates a fix for diagnostics of the given descriptors.</summary>
    /// <param name="fixes">The descriptors of the diagnostics it fixes.</param>
    private protected WorkflowCodeFix(params DiagnosticDescriptor[] fixes) =>
        FixableDiagnosticIds = fixes.Select(static d => d.Id).ToImmutableArray();

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (Offer(root, diagnostic) is { } fix)
            {
                Document document = context.Document;
                context.RegisterCodeFix(CodeAction.Create(fix.Title, cancellationToken => fix.Apply(document, cancellationToken), fix.EquivalenceKey), diagnostic);
            }
        }
    }

    /// <summary>The fix for one diagnostic, or <see langword="null"/> when this fix does not apply to it.</summary>
    private protected abstract Fix? Offer(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>A value the analyzer left in the diagnostic's properties for its fix.</summary>
    private protected static string? Property(Diagnostic diagnostic, string key) =>
        diagnostic.Properties.TryGetValue(key, out string? value) ? value : null;

    /// <summary><c>global::Docs.Approved</c> → <c>Approved</c>, for titles.</summary>
    private protected static string ShortName(string fullyQualified)
    {
        int generic = fullyQualified.IndexOf('<');
        int dot = fullyQualified.LastIndexOf('.', generic < 0 ? fullyQualified.Length - 1 : generic);
        return fullyQualified.Substring(dot + 1).Replace("global::", string.Empty);
    }

    /// <summary>Replaces <paramref name="old"/> with <paramref name="updated"/>, then simplifies names and formats what changed.</summary>
    private protected static async Task<Document> ReplaceAndSimplifyAsync(Document document, SyntaxNode old, SyntaxNode updated, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(old, updated.WithAdditionalAnnotations(Formatter.Annotation)));
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One fix offered for one diagnostic.</summary>
    /// <param name="Title">What the IDE shows.</param>
    /// <param name="EquivalenceKey">Fixes with the same key are applied together by fix-all.</param>
    /// <param name="Apply">Makes the change.</param>
    private protected sealed record Fix(string Title, string EquivalenceKey, Func<Document, CancellationToken, Task<Document>> Apply);
}
