using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>
/// WF0024, for a breaking change made with runs in flight: makes the changed class the next version
/// of its workflow (<c>[Workflow(Version = n)]</c>), so runs stored under the shipped version are not
/// handed to it. The shipped version then needs its class back (WF0026 says which attribute it
/// carries): restore it from source control under another class name, registered beside the new one.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeepShippedVersionCodeFix)), Shared]
public sealed class KeepShippedVersionCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public KeepShippedVersionCodeFix()
        : base(Descriptors.ShapeBreak)
    {
    }

    /// <inheritdoc/>
    /// <remarks>None: every WF0024 of one workflow offers the same change.</remarks>
    public override FixAllProvider? GetFixAllProvider() => null;

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic) =>
        Property(diagnostic, DiagnosticProperties.NextVersion) is { } next && Property(diagnostic, DiagnosticProperties.Workflow) is { } workflow
        && diagnostic.AdditionalLocations.Count > 0 && diagnostic.AdditionalLocations[0] is { SourceTree: { } tree } declaration
            ? new Fix(
                $"Make this version {next} of '{WorkflowName(workflow)}', keeping the shipped version for its stored runs",
                nameof(KeepShippedVersionCodeFix) + workflow,
                (document, cancellationToken) => SetVersionAsync(document.Project.Solution.GetDocument(tree) ?? document, declaration, next, cancellationToken))
            : null;

    private static string WorkflowName(string key) => key.IndexOf('@') is var at and > 0 ? key.Substring(0, at) : key;

    private static async Task<Document> SetVersionAsync(Document document, Location declaration, string version, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        if (root.FindNode(declaration.SourceSpan).FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } type
            || type.AttributeLists.SelectMany(static list => list.Attributes).FirstOrDefault(IsWorkflowAttribute) is not { } attribute)
        {
            return document;
        }

        ExpressionSyntax value = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(int.Parse(version, CultureInfo.InvariantCulture)));
        AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments.FirstOrDefault(static a => a.NameEquals?.Name.Identifier.ValueText == "Version");
        AttributeSyntax updated = existing is not null
            ? attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression))
            : attribute.AddArgumentListArguments(SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals("Version"), null, value));
        return await ReplaceAndSimplifyAsync(document, attribute, updated, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsWorkflowAttribute(AttributeSyntax attribute) =>
        attribute.Name.ToString() is "Workflow" or "WorkflowAttribute" or "Workflows.Workflow" or "Workflows.WorkflowAttribute" or "global::Workflows.Workflow" or "global::Workflows.WorkflowAttribute";
}
