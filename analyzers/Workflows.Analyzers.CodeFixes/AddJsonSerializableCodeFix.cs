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
/// WF0019 and WF0021: adds <c>[JsonSerializable(typeof(X))]</c> for the missing type to the durable
/// workflow's JSON context, wherever that context is declared.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFix)), Shared]
public sealed class AddJsonSerializableCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public AddJsonSerializableCodeFix()
        : base(Descriptors.UnserializableEvent, Descriptors.UnserializableValue)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic) =>
        Property(diagnostic, DiagnosticProperties.EventType) is { } type && diagnostic.AdditionalLocations.Count > 0 && diagnostic.AdditionalLocations[0] is { SourceTree: { } tree } context
            ? new Fix(
                $"Add [JsonSerializable(typeof({ShortName(type)}))] to the JSON context",
                nameof(AddJsonSerializableCodeFix) + type + context.SourceSpan.Start,
                (document, cancellationToken) => AddAsync(document, tree, context, type, cancellationToken))
            : null;

    private static async Task<Document> AddAsync(Document document, SyntaxTree tree, Location context, string type, CancellationToken cancellationToken)
    {
        // The context may be declared in another file of the project: change that document.
        Document target = document.Project.Solution.GetDocument(tree) ?? document;
        SyntaxNode root = (await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        if (root.FindNode(context.SourceSpan) is not ClassDeclarationSyntax declaration)
        {
            return document;
        }

        AttributeListSyntax serializable = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
            SyntaxFactory.ParseName("global::System.Text.Json.Serialization.JsonSerializable").WithAdditionalAnnotations(Simplifier.Annotation),
            SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(
                SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(type).WithAdditionalAnnotations(Simplifier.Annotation))))))));

        // After the context's last [JsonSerializable], so the list stays together.
        int last = declaration.AttributeLists.LastIndexOf(list => list.Attributes.Any(a => SyntaxLocator.IsNamed(a, "JsonSerializable")));
        ClassDeclarationSyntax updated = declaration.WithAttributeLists(declaration.AttributeLists.Insert(last + 1, serializable));
        return await ReplaceAndSimplifyAsync(target, declaration, updated, cancellationToken).ConfigureAwait(false);
    }
}
