using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>WF0004: adds a stub step that consumes the event nobody consumes.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddStepCodeFix)), Shared]
public sealed class AddStepCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public AddStepCodeFix()
        : base(Descriptors.NeverConsumed)
    {
    }

    /// <inheritdoc/>
    /// <remarks>None: each unconsumed event wants a step of its own, named and written by hand.</remarks>
    public override FixAllProvider? GetFixAllProvider() => null;

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.EventType) is not { } eventType ||
            Property(diagnostic, DiagnosticProperties.EventName) is not { } eventName ||
            root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>()?.Parent is not TypeDeclarationSyntax workflow)
        {
            return null;
        }

        string stepName = FreeName(workflow, "On" + Identifier(eventName, upperFirst: true));
        return new Fix(
            $"Add step '{stepName}' that consumes '{eventName}'",
            nameof(AddStepCodeFix),
            (document, cancellationToken) => AddStepAsync(document, workflow, stepName, eventType, eventName, cancellationToken));
    }

    private static async Task<Document> AddStepAsync(Document document, TypeDeclarationSyntax workflow, string stepName, string eventType, string eventName, CancellationToken cancellationToken)
    {
        string parameter = Identifier(eventName, upperFirst: false);
        if (SyntaxFacts.GetKeywordKind(parameter) != SyntaxKind.None)
        {
            parameter = "@" + parameter;
        }

        // private static void OnEdited(Edited edited) { }: a void step compiles clean and leads nowhere,
        // so the graph stays valid while the body is written.
        MethodDeclarationSyntax step = SyntaxFactory.MethodDeclaration(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword)), stepName)
            .AddAttributeLists(SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::Workflows.Step").WithAdditionalAnnotations(Simplifier.Annotation)))))
            .AddModifiers(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.StaticKeyword))
            .AddParameterListParameters(SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameter))
                .WithType(SyntaxFactory.ParseTypeName(eventType).WithAdditionalAnnotations(Simplifier.Annotation)))
            .WithBody(SyntaxFactory.Block());

        return await ReplaceAndSimplifyAsync(document, workflow, workflow.AddMembers(step), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>Result&lt;int&gt;</c> → <c>ResultInt</c> (or <c>resultInt</c>).</summary>
    private static string Identifier(string displayName, bool upperFirst)
    {
        var name = new StringBuilder();
        bool upperNext = upperFirst;
        foreach (char c in displayName)
        {
            if (char.IsLetterOrDigit(c))
            {
                name.Append(upperNext ? char.ToUpperInvariant(c) : name.Length == 0 ? char.ToLowerInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }

        return name.ToString();
    }

    private static string FreeName(TypeDeclarationSyntax workflow, string name)
    {
        var taken = new HashSet<string>(workflow.Members.OfType<MethodDeclarationSyntax>().Select(m => m.Identifier.ValueText));
        string candidate = name;
        for (int n = 2; taken.Contains(candidate); n++)
        {
            candidate = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
