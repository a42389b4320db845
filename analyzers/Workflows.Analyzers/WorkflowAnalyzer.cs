using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// Reports WF0001–WF0016: every declaration, graph and step-body mistake of a <c>[Workflow]</c>
/// class, at the smallest span that is wrong. Reads workflows with the generator's own reader and
/// graph rules, once all of a workflow's step bodies have been seen.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkflowAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.NoStart,
        Descriptors.NoStop,
        Descriptors.NeverProduced,
        Descriptors.NeverConsumed,
        Descriptors.BadSignature,
        Descriptors.SecondStartOrStop,
        Descriptors.NotPartial,
        Descriptors.ConsumesStop,
        Descriptors.Unreachable,
        Descriptors.JoinWithoutFanOut,
        Descriptors.NeverFinishes,
        Descriptors.UndeclaredSend,
        Descriptors.UnusedEmits,
        Descriptors.InvalidAttribute,
        Descriptors.DuplicateName,
        Descriptors.UnproducedWait,
        Descriptors.BlockingCall,
        Descriptors.InvalidErrorHandler,
        Descriptors.OverlappingErrorHandlers);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolStartAction(StartWorkflow, SymbolKind.NamedType);
        context.RegisterSymbolAction(CheckStepPlacement, SymbolKind.Method);
    }

    private static void StartWorkflow(SymbolStartAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!WellKnownTypes.HasAttribute(type, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        // Step bodies are read as the compiler binds them; the graph is checked when all have been seen.
        var bodies = new ConcurrentDictionary<IMethodSymbol, StepBody>(SymbolEqualityComparer.Default);
        context.RegisterOperationBlockAction(block =>
        {
            if (block.OwningSymbol is IMethodSymbol method && WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute))
            {
                bodies[method] = StepBodyReader.Read(method, block.OperationBlocks, block.CancellationToken);
            }
        });
        context.RegisterSymbolEndAction(end => new WorkflowChecks(end, type, bodies).Run());
    }

    /// <summary>WF0007 for a [Step] method whose class is not a workflow.</summary>
    private static void CheckStepPlacement(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.ContainingType is not { } type || WellKnownTypes.HasAttribute(type, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (WellKnownTypes.IsStepAttribute(attribute.AttributeClass) && attribute.ApplicationSyntaxReference is { } reference)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.NotPartial,
                    reference.GetSyntax(context.CancellationToken).GetLocation(),
                    $"[Step] method '{method.Name}' is in '{type.Name}', which is not a [Workflow] class; mark '{type.Name}' with [Workflow] or remove [Step]"));
            }
        }
    }
}
