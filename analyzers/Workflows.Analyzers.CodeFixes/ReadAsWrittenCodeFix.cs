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

/// <summary>
/// WF0022: reads the <c>ctx.Store</c> key as the type it is written with — the type argument of
/// <c>Get&lt;T&gt;</c>/<c>TryGet&lt;T&gt;</c>, or the type of <c>TryGet</c>'s <c>out</c> variable.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadAsWrittenCodeFix)), Shared]
public sealed class ReadAsWrittenCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public ReadAsWrittenCodeFix()
        : base(Descriptors.StateKeyType)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.WrittenType) is not { } written
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation)
        {
            return null;
        }

        // Get<T>("key") or TryGet<T>("key", out …): the type argument; TryGet("key", out T x): the out variable's type.
        TypeSyntax? read = invocation.Expression is MemberAccessExpressionSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments: { Count: 1 } arguments } }
            ? arguments[0]
            : invocation.ArgumentList.Arguments.Select(a => a.Expression).OfType<DeclarationExpressionSyntax>().FirstOrDefault()?.Type;
        if (read is null || read.IsVar)
        {
            return null;
        }

        return new Fix(
            $"Read it as '{ShortName(written)}'",
            nameof(ReadAsWrittenCodeFix) + written,
            (document, cancellationToken) => ReplaceAsync(document, read, written, cancellationToken));
    }

    private static Task<Document> ReplaceAsync(Document document, TypeSyntax read, string written, CancellationToken cancellationToken) =>
        ReplaceAndSimplifyAsync(document, read, SyntaxFactory.ParseTypeName(written).WithTriviaFrom(read).WithAdditionalAnnotations(Simplifier.Annotation), cancellationToken);
}
