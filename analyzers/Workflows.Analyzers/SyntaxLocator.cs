using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// Finds the smallest span to underline: a class name, a parameter type, the arm of a OneOf in a
/// return type, the typeof in an [Emits]. Falls back to a larger span only when the syntax does not
/// mirror the type (a using alias, say).
/// </summary>
internal static class SyntaxLocator
{
    public static Location ClassName(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                declaration.AttributeLists.Count > 0)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return Identifier(type, cancellationToken);
    }

    public static Location Identifier(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            ? declaration.Identifier.GetLocation()
            : type.Locations[0];

    public static Location Issue(IMethodSymbol method, StepIssue issue, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not MethodDeclarationSyntax syntax)
        {
            return method.Locations[0];
        }

        switch (issue.Kind)
        {
            case StepIssueKind.Generic when syntax.TypeParameterList is { } typeParameters:
                return typeParameters.GetLocation();
            case StepIssueKind.AsyncVoid:
            case StepIssueKind.UnsupportedReturn:
                return syntax.ReturnType.GetLocation();
            case StepIssueKind.MissingEvent:
                return syntax.ParameterList.GetLocation();
            case StepIssueKind.EventNotAnEvent:
            case StepIssueKind.UnexpectedParameter:
                return ParameterType(syntax, issue.Index);
            case StepIssueKind.ByRefParameter when issue.Index < syntax.ParameterList.Parameters.Count:
                return syntax.ParameterList.Parameters[issue.Index].GetLocation();
            case StepIssueKind.EmitsNotAnEvent:
                return EmitsType(syntax, issue.Index) ?? syntax.Identifier.GetLocation();
            case StepIssueKind.InvalidOption:
                return StepOption(syntax, issue.Option) ?? syntax.Identifier.GetLocation();
            default:
                return syntax.Identifier.GetLocation();
        }
    }

    /// <summary>The step method's name.</summary>
    public static Location MethodName(IMethodSymbol method, CancellationToken cancellationToken) =>
        Declaration(method, cancellationToken) is MethodDeclarationSyntax syntax ? syntax.Identifier.GetLocation() : method.Locations[0];

    /// <summary>The step method's return type.</summary>
    public static Location ReturnType(IMethodSymbol method, CancellationToken cancellationToken) =>
        Declaration(method, cancellationToken) is MethodDeclarationSyntax syntax ? syntax.ReturnType.GetLocation() : method.Locations[0];

    /// <summary>The type of the step's event parameter.</summary>
    public static Location EventParameter(IMethodSymbol method, CancellationToken cancellationToken) =>
        Declaration(method, cancellationToken) is MethodDeclarationSyntax syntax ? ParameterType(syntax, 0) : method.Locations[0];

    /// <summary>Where a produced event is written: its arm in the return type, or its [Emits] typeof.</summary>
    public static Location Produced(IMethodSymbol method, StepModel step, EventSite site, int index, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not MethodDeclarationSyntax syntax)
        {
            return method.Locations[0];
        }

        if (site == EventSite.Emits)
        {
            return EmitsType(syntax, index) ?? syntax.Identifier.GetLocation();
        }

        TypeSyntax returnType = syntax.ReturnType;
        TypeSyntax? written = step.Shape switch
        {
            ReturnShape.Event => Unwrap(returnType),
            ReturnShape.TaskOfEvent or ReturnShape.ValueTaskOfEvent => TypeArgument(returnType, 0),
            ReturnShape.OneOf => TypeArgument(returnType, index),
            ReturnShape.TaskOfOneOf or ReturnShape.ValueTaskOfOneOf => TypeArgument(TypeArgument(returnType, 0), index),
            ReturnShape.Many => ItemType(returnType),
            ReturnShape.TaskOfMany or ReturnShape.ValueTaskOfMany => ItemType(TypeArgument(returnType, 0)),
            _ => null,
        };

        return (written is null ? returnType : Unwrap(written)).GetLocation();
    }

    /// <summary>The step name at <paramref name="index"/> of [CatchErrors(...)], or the whole attribute for -1.</summary>
    public static Location CatchErrors(IMethodSymbol method, int index, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not MethodDeclarationSyntax syntax)
        {
            return method.Locations[0];
        }

        foreach (AttributeListSyntax list in syntax.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                if (!IsNamed(attribute, "CatchErrors"))
                {
                    continue;
                }

                int position = 0;
                foreach (AttributeArgumentSyntax argument in attribute.ArgumentList?.Arguments ?? default)
                {
                    if (argument.NameEquals is null && position++ == index)
                    {
                        return argument.GetLocation();
                    }
                }

                return attribute.GetLocation();
            }
        }

        return syntax.Identifier.GetLocation();
    }

    /// <summary>The item type of a fan-out's list as written: <c>T</c> of <c>T[]</c> or <c>IReadOnlyList&lt;T&gt;</c>.</summary>
    private static TypeSyntax? ItemType(TypeSyntax? list) => list is null ? null : Unwrap(list) switch
    {
        ArrayTypeSyntax array => array.ElementType,
        var other => TypeArgument(other, 0),
    };

    private static SyntaxNode? Declaration(IMethodSymbol method, CancellationToken cancellationToken) =>
        method.DeclaringSyntaxReferences.Length > 0 ? method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) : null;

    private static Location ParameterType(MethodDeclarationSyntax syntax, int index) =>
        index >= 0 && index < syntax.ParameterList.Parameters.Count && syntax.ParameterList.Parameters[index] is { Type: { } type }
            ? type.GetLocation()
            : syntax.ParameterList.GetLocation();

    private static Location? EmitsType(MethodDeclarationSyntax syntax, int index)
    {
        int seen = 0;
        foreach (AttributeListSyntax list in syntax.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                if (!IsNamed(attribute, "Emits"))
                {
                    continue;
                }

                if (seen++ == index)
                {
                    return attribute.ArgumentList is { Arguments.Count: > 0 } arguments
                        ? (arguments.Arguments[0].Expression is TypeOfExpressionSyntax typeOf ? typeOf.Type.GetLocation() : arguments.Arguments[0].GetLocation())
                        : attribute.GetLocation();
                }
            }
        }

        return null;
    }

    /// <summary>The value of a named option of [Step] or [CatchErrors].</summary>
    private static Location? StepOption(MethodDeclarationSyntax syntax, string option)
    {
        foreach (AttributeListSyntax list in syntax.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                if (!(IsNamed(attribute, "Step") || IsNamed(attribute, "CatchErrors")) || attribute.ArgumentList is null)
                {
                    continue;
                }

                foreach (AttributeArgumentSyntax argument in attribute.ArgumentList.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == option)
                    {
                        return argument.Expression.GetLocation();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Whether the attribute is written as <paramref name="name"/> or <paramref name="name"/>Attribute, qualified or not.</summary>
    public static bool IsNamed(AttributeSyntax attribute, string name)
    {
        string written = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return written == name || written == name + "Attribute";
    }

    private static TypeSyntax Unwrap(TypeSyntax type) => type is NullableTypeSyntax nullable ? nullable.ElementType : type;

    private static TypeSyntax? TypeArgument(TypeSyntax? type, int index)
    {
        if (type is null)
        {
            return null;
        }

        SimpleNameSyntax? name = Unwrap(type) switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };

        return name is GenericNameSyntax generic && index < generic.TypeArgumentList.Arguments.Count
            ? generic.TypeArgumentList.Arguments[index]
            : null;
    }
}
