using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0013: sets an out-of-range <c>[Step]</c> option to the nearest valid value.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixOptionCodeFix)), Shared]
public sealed class FixOptionCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public FixOptionCodeFix()
        : base(Descriptors.InvalidAttribute)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic) =>
        Property(diagnostic, DiagnosticProperties.Replacement) is { } replacement &&
        root.FindNode(diagnostic.Location.SourceSpan) is ExpressionSyntax value &&
        value.FirstAncestorOrSelf<AttributeArgumentSyntax>() is { NameEquals: { } option }
            ? new Fix(
                $"Set {option.Name.Identifier.ValueText} to {replacement}",
                nameof(FixOptionCodeFix) + option.Name.Identifier.ValueText,
                (document, cancellationToken) => ReplaceAsync(document, value, replacement, cancellationToken))
            : null;

    private static Task<Document> ReplaceAsync(Document document, ExpressionSyntax value, string replacement, CancellationToken cancellationToken)
    {
        ExpressionSyntax valid = SyntaxFactory.ParseExpression(replacement.StartsWith("Backoff", System.StringComparison.Ordinal) ? "global::Workflows." + replacement : replacement)
            .WithAdditionalAnnotations(Simplifier.Annotation)
            .WithTriviaFrom(value);
        return ReplaceAndSimplifyAsync(document, value, valid, cancellationToken);
    }
}
