using Microsoft.CodeAnalysis;

namespace Workflows.Generators.Reading;

/// <summary>
/// Recognizes the Workflows runtime types by name, so the same checks work in the generator and in
/// the analyzers without looking types up in the compilation.
/// </summary>
internal static class WellKnownTypes
{
    public const string WorkflowAttribute = "Workflows.WorkflowAttribute";
    public const string StepAttribute = "Workflows.StepAttribute";
    public const string EmitsAttribute = "Workflows.EmitsAttribute";
    public const string EventTypeName = "global::Workflows.Event";

    public static bool IsWorkflowAttribute(INamedTypeSymbol? type) => IsWorkflowsType(type, "WorkflowAttribute");

    public static bool IsStepAttribute(INamedTypeSymbol? type) => IsWorkflowsType(type, "StepAttribute");

    public static bool IsEmitsAttribute(INamedTypeSymbol? type) => IsWorkflowsType(type, "EmitsAttribute");

    public static bool IsCatchErrorsAttribute(INamedTypeSymbol? type) => IsWorkflowsType(type, "CatchErrorsAttribute");

    public static bool IsWorkflowContext(ITypeSymbol? type) => IsWorkflowsType(type, "WorkflowContext");

    /// <summary>Whether <paramref name="type"/> is <c>Workflows.TaskAssignment</c>, who may answer a question and by when.</summary>
    public static bool IsTaskAssignment(ITypeSymbol? type) => IsWorkflowsType(type, "TaskAssignment");

    /// <summary>Whether <paramref name="type"/> is <c>Workflows.StateStore</c>, what <c>ctx.Store</c> is.</summary>
    public static bool IsStateStore(ITypeSymbol? type) => IsWorkflowsType(type, "StateStore");

    public static bool IsOneOf(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true, Arity: >= 2 and <= 8 } named && IsWorkflowsType(named, "OneOf");

    /// <summary>Whether <paramref name="type"/> is <c>Workflows.Event</c> or a class derived from it.</summary>
    public static bool IsEvent(ITypeSymbol? type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (IsWorkflowsType(current, "Event"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> is a list a step fans out or joins: <c>IReadOnlyList&lt;T&gt;</c>
    /// (or, returned, <c>T[]</c>); <paramref name="element"/> is its <c>T</c>.
    /// </summary>
    public static bool IsList(ITypeSymbol? type, bool allowArray, out ITypeSymbol element)
    {
        if (allowArray && type is IArrayTypeSymbol { Rank: 1 } array)
        {
            element = array.ElementType;
            return true;
        }

        if (type is INamedTypeSymbol { IsGenericType: true, Arity: 1, Name: "IReadOnlyList" } list &&
            list.ContainingNamespace is { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
        {
            element = list.TypeArguments[0];
            return true;
        }

        element = null!;
        return false;
    }

    public static bool IsCancellationToken(ITypeSymbol? type) =>
        type is { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    public static bool IsTask(ITypeSymbol? type, out bool isValueTask)
    {
        isValueTask = type?.Name == "ValueTask";
        return type is { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };
    }

    public static bool HasAttribute(ISymbol symbol, System.Func<INamedTypeSymbol?, bool> isAttribute)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (isAttribute(attribute.AttributeClass))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWorkflowsType(ITypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingType is null &&
        type.ContainingNamespace is { Name: "Workflows", ContainingNamespace.IsGlobalNamespace: true };
}
