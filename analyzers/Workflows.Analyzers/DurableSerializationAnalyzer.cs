using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// WF0019: a durable workflow registered with a source-generated <c>JsonSerializerContext</c>
/// (<c>runtime.Register&lt;T&gt;(…, context)</c>, <c>builder.AddDurableWorkflow&lt;T&gt;(context)</c>) needs
/// <c>[JsonSerializable]</c> for every concrete event type its step signatures name; otherwise the
/// run fails when it first stores one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DurableSerializationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnserializableEvent);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (!IsRegistration(method) || method.TypeArguments.Length != 1 || method.TypeArguments[0] is not INamedTypeSymbol workflow)
        {
            return;
        }

        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { Type.Name: "JsonSerializerContext" })
            {
                continue;
            }

            ITypeSymbol? written = argument.Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : argument.Value.Type;
            if (written is not INamedTypeSymbol json || json.Name == "JsonSerializerContext")
            {
                // The exact context is not known statically: nothing to check.
                continue;
            }

            HashSet<ITypeSymbol> covered = Serializable(json);
            foreach (ITypeSymbol ev in EventsOf(workflow))
            {
                if (!ev.IsAbstract && !covered.Contains(ev))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.UnserializableEvent,
                        argument.Value.Syntax.GetLocation(),
                        json.Name,
                        ev.ToDisplayString(SymbolNames.Display),
                        workflow.Name));
                }
            }
        }
    }

    internal static bool IsRegistration(IMethodSymbol method) => method switch
    {
        { Name: "Register", ContainingType: { Name: "WorkflowRuntime", ContainingNamespace: { Name: "Durable", ContainingNamespace.Name: "Workflows" } } } => true,
        { Name: "AddDurableWorkflow", ContainingType: { Name: "WorkflowsBuilder", ContainingNamespace: { Name: "Hosting", ContainingNamespace.Name: "Workflows" } } } => true,
        _ => false,
    };

    /// <summary>The types a context's <c>[JsonSerializable(typeof(…))]</c> attributes name.</summary>
    private static HashSet<ITypeSymbol> Serializable(INamedTypeSymbol json)
    {
        var types = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (AttributeData attribute in json.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "JsonSerializableAttribute" && attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is ITypeSymbol type)
            {
                types.Add(type);
            }
        }

        return types;
    }

    /// <summary>The event types the workflow's steps take, return and emit, each once, in order.</summary>
    private static IEnumerable<ITypeSymbol> EventsOf(INamedTypeSymbol workflow) =>
        workflow.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(static m => WellKnownTypes.HasAttribute(m, WellKnownTypes.IsStepAttribute))
            .SelectMany(StepReader.EventTypesOf)
            .Where(static t => !(t.Name == "StepFailedEvent" && t.ContainingNamespace?.Name == "Workflows"))
            .Distinct(SymbolEqualityComparer.Default)
            .Cast<ITypeSymbol>();
}
