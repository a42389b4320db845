using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Workflows.Generators.Reading;

/// <summary>What a helper given a step's context declares it does through it.</summary>
/// <param name="Response">For <c>[WaitsFor]</c>: the answer's type; else <see langword="null"/>.</param>
/// <param name="Prompt">For <c>[WaitsFor]</c>: the question's type; else <see langword="null"/>.</param>
/// <param name="Streamed">For <c>[Streams]</c>: the streamed type; else <see langword="null"/>.</param>
internal readonly record struct HelperDeclaration(ITypeSymbol? Response, ITypeSymbol? Prompt, ITypeSymbol? Streamed);

/// <summary>
/// Reads <c>[WaitsFor]</c> and <c>[Streams]</c> off a call that hands a step's <c>WorkflowContext</c> to a
/// helper: the step's body does what the helper declares, as far as the graph (the generator) and the
/// durability rules (the analyzers) are concerned. Shared, so both read the same.
/// </summary>
internal static class HelperDeclarations
{
    public static IEnumerable<HelperDeclaration> Of(IInvocationOperation invocation)
    {
        if (WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType) || !PassesContext(invocation))
        {
            yield break;
        }

        IMethodSymbol method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        foreach (AttributeData attribute in method.OriginalDefinition.GetAttributes())
        {
            if (attribute.AttributeClass is not { ContainingNamespace: { Name: "Workflows", ContainingNamespace.IsGlobalNamespace: true } } type)
            {
                continue;
            }

            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (type.Name == "WaitsForAttribute" && arguments.Length == 2 && arguments[0].Value is ITypeSymbol response && arguments[1].Value is ITypeSymbol prompt)
            {
                yield return new HelperDeclaration(response, prompt, null);
            }
            else if (type.Name == "StreamsAttribute" && arguments.Length == 1 && arguments[0].Value is ITypeSymbol streamed)
            {
                yield return new HelperDeclaration(null, null, streamed);
            }
        }
    }

    /// <summary>Whether the call hands a <c>WorkflowContext</c> to the method (as an extension method's receiver or an argument).</summary>
    private static bool PassesContext(IInvocationOperation invocation)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (WellKnownTypes.IsWorkflowContext(argument.Value.Type))
            {
                return true;
            }
        }

        return false;
    }
}
