using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Model;

namespace Workflows.Generators.Reading;

/// <summary>Reduces types to the names the model keeps.</summary>
internal static class SymbolNames
{
    /// <summary><c>Approved</c>, <c>Outer.Approved</c>, <c>Result&lt;int&gt;</c>: what a person reads.</summary>
    public static readonly SymbolDisplayFormat Display = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static string FullyQualified(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    public static string ForDisplay(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(Display);

    /// <summary>The model of an event type; the caller has checked that it derives from <c>Workflows.Event</c>.</summary>
    public static EventRef Event(ITypeSymbol type)
    {
        var bases = new List<string>();
        for (INamedTypeSymbol? current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            bases.Add(FullyQualified(current));
        }

        return new EventRef(FullyQualified(type), ForDisplay(type), RoleOf(type), bases.ToEquatableArray(), MembersOf(type), TitleMemberOf(type));
    }

    /// <summary>The first public instance property marked <c>[RunTitle]</c>, on itself or on the constructor parameter it comes from (a positional record's).</summary>
    private static string? TitleMemberOf(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsIndexer: false } property
                    && (IsRunTitle(property.GetAttributes()) || FromMarkedParameter(current, property.Name)))
                {
                    return property.Name;
                }
            }
        }

        return null;
    }

    private static bool FromMarkedParameter(ITypeSymbol type, string name)
    {
        foreach (IMethodSymbol constructor in ((INamedTypeSymbol)type).InstanceConstructors)
        {
            foreach (IParameterSymbol parameter in constructor.Parameters)
            {
                if (parameter.Name == name && IsRunTitle(parameter.GetAttributes()))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsRunTitle(System.Collections.Immutable.ImmutableArray<AttributeData> attributes)
    {
        foreach (AttributeData attribute in attributes)
        {
            if (attribute.AttributeClass is { Name: "RunTitleAttribute", ContainingNamespace: { Name: "Workflows", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Public instance properties, base types' first, as <c>int Count, string Text</c>: the event's stored shape (members JSON never writes, <c>[JsonIgnore]</c>, are not in it).</summary>
    private static string MembersOf(ITypeSymbol type)
    {
        var chain = new List<ITypeSymbol>();
        for (ITypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var members = new List<string>();
        foreach (ITypeSymbol declared in chain)
        {
            foreach (ISymbol member in declared.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsIndexer: false } property && property.Name != "EqualityContract" && !IsNeverStored(property))
                {
                    members.Add(ForDisplay(property.Type) + " " + property.Name);
                }
            }
        }

        return string.Join(", ", members);
    }

    /// <summary><c>[JsonIgnore]</c> (its condition <c>Always</c>, the default): JSON never reads or writes it.</summary>
    private static bool IsNeverStored(IPropertySymbol property)
    {
        foreach (AttributeData attribute in property.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "JsonIgnoreAttribute", ContainingNamespace: { Name: "Serialization", ContainingNamespace: { Name: "Json", ContainingNamespace.Name: "Text" } } })
            {
                // JsonIgnoreCondition.Always is 1; other conditions still write the member at times.
                return attribute.NamedArguments.All(static named => named.Key != "Condition" || named.Value.Value is 1);
            }
        }

        return false;
    }

    private static EventRole RoleOf(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.ContainingNamespace is { Name: "Workflows", ContainingNamespace.IsGlobalNamespace: true } && current.ContainingType is null)
            {
                switch (current.Name)
                {
                    case "StartEvent": return EventRole.Start;
                    case "StopEvent": return EventRole.Stop;
                    case "InputRequiredEvent": return EventRole.InputRequired;
                    case "HumanResponseEvent": return EventRole.HumanResponse;
                    case "StepFailedEvent": return EventRole.StepFailed;
                }
            }
        }

        return EventRole.Event;
    }
}
