using System.Collections.Generic;
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
/// WF0020 on a value a durable step takes before a wait (the clock, <c>Guid.NewGuid()</c>, a random
/// number): takes it inside <c>ctx.OnceAsync</c>, so the re-run after the answer gets the value the first
/// run recorded — <c>await ctx.OnceAsync("asked", _ =&gt; ValueTask.FromResult(DateTime.UtcNow), ct)</c>,
/// keyed by the variable it initializes. Offered in an async step with a <c>WorkflowContext</c> parameter.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecordOnceCodeFix)), Shared]
public sealed class RecordOnceCodeFix : WorkflowCodeFix
{
    /// <summary>Creates the fix.</summary>
    public RecordOnceCodeFix()
        : base(Descriptors.RepeatedBeforeWait)
    {
    }

    private protected override Fix? Offer(SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.RecordedType) is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax value
            || value.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } step
            || !step.Modifiers.Any(SyntaxKind.AsyncKeyword)
            || ParameterOf(step, "WorkflowContext") is not { } context)
        {
            return null;
        }

        string key = FreeKey(step, KeyFor(value));
        return new Fix(
            $"Record it once with ctx.OnceAsync(\"{key}\", …)",
            nameof(RecordOnceCodeFix) + key,
            (document, cancellationToken) => RecordAsync(document, value, context, ParameterOf(step, "CancellationToken"), key, cancellationToken));
    }

    private static Task<Document> RecordAsync(Document document, ExpressionSyntax value, string context, string? cancellation, string key, CancellationToken cancellationToken)
    {
        string call = $"(await {context}.OnceAsync({SymbolDisplay.FormatLiteral(key, quote: true)}, _ => global::System.Threading.Tasks.ValueTask.FromResult({value.WithoutTrivia()}){(cancellation is null ? string.Empty : ", " + cancellation)}))";
        ExpressionSyntax parsed = SyntaxFactory.ParseExpression(call);

        // The qualified ValueTask is simplified to what the file's usings allow, the parentheses dropped where the value stands alone.
        ExpressionSyntax recorded = parsed
            .ReplaceNodes(parsed.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Where(static m => m.ToString().StartsWith("global::", System.StringComparison.Ordinal)), static (_, m) => m.WithAdditionalAnnotations(Simplifier.Annotation))
            .WithTriviaFrom(value)
            .WithAdditionalAnnotations(Simplifier.Annotation);
        return ReplaceAndSimplifyAsync(document, value, recorded, cancellationToken);
    }

    /// <summary>The name of the step's parameter of a type (by its simple name), if it has one.</summary>
    private static string? ParameterOf(MethodDeclarationSyntax step, string typeName) =>
        step.ParameterList.Parameters.FirstOrDefault(p => p.Type is { } type && (type.ToString() == typeName || type.ToString().EndsWith("." + typeName, System.StringComparison.Ordinal)))?.Identifier.ValueText;

    /// <summary>The variable the value initializes or is assigned to; else the member it reads, camel-cased (<c>utcNow</c>, <c>newGuid</c>).</summary>
    private static string KeyFor(ExpressionSyntax value)
    {
        SyntaxNode? parent = value.Parent;
        while (parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            parent = parent.Parent;
        }

        if (parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax variable })
        {
            return variable.Identifier.ValueText;
        }

        if (parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax assigned })
        {
            return assigned.Identifier.ValueText;
        }

        string member = value switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => "value",
        };
        return char.ToLowerInvariant(member[0]) + member.Substring(1);
    }

    /// <summary>A key no other literal ctx.OnceAsync key of the step uses (one key names one piece of work, WF0023).</summary>
    private static string FreeKey(MethodDeclarationSyntax step, string wanted)
    {
        var used = new HashSet<string>(step.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .Where(static i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "OnceAsync" })
            .Select(static i => i.ArgumentList.Arguments.FirstOrDefault()?.Expression)
            .OfType<LiteralExpressionSyntax>()
            .Select(static l => l.Token.ValueText));
        string key = wanted;
        for (int n = 2; used.Contains(key); n++)
        {
            key = wanted + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return key;
    }
}
