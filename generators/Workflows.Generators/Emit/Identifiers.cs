using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Workflows.Generators.Emit;

/// <summary>Turns display names into local and field names that read well and never collide.</summary>
internal sealed class Identifiers
{
    private readonly HashSet<string> _used = new(System.StringComparer.Ordinal);

    /// <summary>The class holding a not-partial workflow's extension stand-in: <c>Shop_Outer_Flow_WorkflowStandIn</c>, unique per workflow.</summary>
    public static string StandInClassName(Model.HierarchyInfo hierarchy)
    {
        var name = new StringBuilder();
        if (hierarchy.Namespace is { } ns)
        {
            name.Append(ns.Replace('.', '_')).Append('_');
        }

        foreach (Model.TypeDeclaration type in hierarchy.Types)
        {
            name.Append(type.Name).Append('_');
        }

        return name.Append("WorkflowStandIn").ToString();
    }

    /// <summary><c>Approved</c> → <c>approved</c>; <c>Result&lt;int&gt;</c> → <c>resultInt</c>; unique within this set.</summary>
    public string CamelCase(string displayName, string suffix = "")
    {
        var name = new StringBuilder();
        bool upperNext = false;
        foreach (char c in displayName)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                name.Append(name.Length == 0 ? char.ToLowerInvariant(c) : upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = name.Length > 0;
            }
        }

        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        name.Append(suffix);
        string candidate = name.ToString();
        if (SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(candidate) != SyntaxKind.None)
        {
            candidate = "@" + candidate;
        }

        string unique = candidate;
        for (int n = 2; !_used.Add(unique); n++)
        {
            unique = candidate + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return unique;
    }

    /// <summary>A C# string literal for <paramref name="value"/>.</summary>
    public static string Literal(string value) =>
        SymbolDisplay.FormatLiteral(value, quote: true);
}
