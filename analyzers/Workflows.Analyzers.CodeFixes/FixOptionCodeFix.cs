using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0013: sets an out-of-range <c>[Step]</c> option to the nearest valid value.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixOptionCodeFix)), Shared]
public sealed class FixOptionCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.InvalidAttribute.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Replacement, out string? replacement) && replacement is not null &&
                root?.FindNode(diagnostic.Location.SourceSpan) is ExpressionSyntax value &&
                value.FirstAncestorOrSelf<AttributeArgumentSyntax>() is { NameEquals: { } option })
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Set {option.Name.Identifier.ValueText} to {replacement}",
                        cancellationToken => ReplaceAsync(context.Document, value, replacement, cancellationToken),
                        equivalenceKey: nameof(FixOptionCodeFix) + option.Name.Identifier.ValueText),
                    diagnostic);
            }
        }
    }

    private static Task<Document> ReplaceAsync(Document document, ExpressionSyntax value, string replacement, CancellationToken cancellationToken)
    {
        ExpressionSyntax valid = SyntaxFactory.ParseExpression(replacement.StartsWith("Backoff", System.StringComparison.Ordinal) ? "global::Workflows." + replacement : replacement)
            .WithAdditionalAnnotations(Simplifier.Annotation)
            .WithTriviaFrom(value);
        return SyntaxFixes.ReplaceAndSimplifyAsync(document, value, valid, cancellationToken);
    }
}
