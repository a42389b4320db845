using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Model;

namespace Workflows.Generators.Reading;

/// <summary>
/// Reads a <c>[Workflow]</c> class into a <see cref="WorkflowRead"/>. Shared by the generator and
/// the analyzers, so both see the same steps and the same problems.
/// </summary>
internal static class WorkflowReader
{
    /// <param name="type">The <c>[Workflow]</c> class.</param>
    /// <param name="bodyOf">What each step's body does; <see langword="null"/> for a step whose body is not available.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static WorkflowRead Read(INamedTypeSymbol type, System.Func<IMethodSymbol, StepBody?> bodyOf, CancellationToken cancellationToken)
    {
        ImmutableArray<INamedTypeSymbol> notPartial = FindNotPartial(type, cancellationToken);

        ImmutableArray<StepRead>.Builder steps = ImmutableArray.CreateBuilder<StepRead>();
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is IMethodSymbol method && WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute))
            {
                steps.Add(StepReader.Read(method, bodyOf(method), cancellationToken));
            }
        }

        // Every step valid: the model. Otherwise a model of the valid steps, for stand-in members only.
        var model = new WorkflowModel(
            type.Name,
            ReadHierarchy(type),
            type.IsStatic,
            steps.Where(static s => s.Model is not null).Select(static s => s.Model!).ToEquatableArray(),
            FreeName(type, "Handler", "RunHandler", "WorkflowRunHandler"),
            NameOf(type),
            VersionOf(type));
        bool valid = steps.All(static s => s.Model is not null);
        return new WorkflowRead(type, notPartial, steps.ToImmutable(), valid ? model : null, valid ? null : model);
    }

    /// <summary>The name runs are stored under: <c>[Workflow(Name = …)]</c> when it is a usable name (WF0013 reports one that is not), else the class name.</summary>
    public static string NameOf(INamedTypeSymbol type) =>
        WorkflowArgument(type, "Name") is { Value: string name } && !string.IsNullOrWhiteSpace(name) ? name.Trim() : type.Name;

    /// <summary>The workflow's version: <c>[Workflow(Version = …)]</c> when it is 1 or more (WF0013 reports one that is not), else 1.</summary>
    public static int VersionOf(INamedTypeSymbol type) =>
        WorkflowArgument(type, "Version") is { Value: int version } && version >= 1 ? version : 1;

    /// <summary>A named argument of the class's <c>[Workflow]</c> attribute.</summary>
    public static TypedConstant? WorkflowArgument(INamedTypeSymbol type, string name)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (WellKnownTypes.IsWorkflowAttribute(attribute.AttributeClass))
            {
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == name)
                    {
                        return argument.Value;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The first of <paramref name="names"/> that no member of <paramref name="type"/> uses.</summary>
    private static string FreeName(INamedTypeSymbol type, params string[] names)
    {
        foreach (string name in names)
        {
            if (type.GetMembers(name).IsEmpty && type.Name != name)
            {
                return name;
            }
        }

        return names[names.Length - 1] + "_";
    }

    /// <summary>Whether the declaration syntax of <paramref name="type"/> says <c>partial</c> on every part.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    private static ImmutableArray<INamedTypeSymbol> FindNotPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        ImmutableArray<INamedTypeSymbol>.Builder notPartial = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (!IsPartial(current, cancellationToken))
            {
                notPartial.Add(current);
            }
        }

        return notPartial.ToImmutable();
    }

    private static HierarchyInfo ReadHierarchy(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            chain.Insert(0, current);
        }

        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        var hint = new StringBuilder(ns is null ? string.Empty : ns + ".");
        foreach (INamedTypeSymbol declared in chain)
        {
            hint.Append(declared.Name);
            if (declared.Arity > 0)
            {
                hint.Append('`').Append(declared.Arity);
            }

            hint.Append('.');
        }

        hint.Append("Workflow.g.cs");
        return new HierarchyInfo(
            ns,
            chain.Select(static t => new TypeDeclaration(Keyword(t), NameWithTypeParameters(t))).ToEquatableArray(),
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            hint.ToString());
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        { IsStatic: true } => "static class",
        _ => "class",
    };

    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.Arity == 0 ? type.Name : type.Name + "<" + string.Join(", ", type.TypeParameters.Select(static p => p.Name)) + ">";
}
