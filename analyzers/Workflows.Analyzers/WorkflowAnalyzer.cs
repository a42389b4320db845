using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// Reports WF0001–WF0008: every declaration and graph mistake of a <c>[Workflow]</c> class, at the
/// smallest span that is wrong. Reads workflows with the generator's own reader and graph rules.
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
        Descriptors.ConsumesStop);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        context.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!WellKnownTypes.HasAttribute(type, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        CancellationToken cancellationToken = context.CancellationToken;
        WorkflowRead read = WorkflowReader.Read(type, cancellationToken);
        ReportNotPartial(context, read);

        foreach (StepRead step in read.Steps)
        {
            foreach (StepIssue issue in step.Issues)
            {
                if (issue.Kind != StepIssueKind.Unresolved)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.BadSignature,
                        SyntaxLocator.Issue(step.Method, issue, cancellationToken),
                        step.Method.Name,
                        StepIssueMessages.Describe(issue)));
                }
            }
        }

        // Graph rules need every step; with a broken signature they would only echo that error.
        if (read.Model is not { } model)
        {
            return;
        }

        foreach (GraphProblem problem in GraphRules.Analyze(model).Problems)
        {
            context.ReportDiagnostic(Describe(problem, read, model, cancellationToken));
        }
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, WorkflowRead read)
    {
        foreach (INamedTypeSymbol type in read.NotPartial)
        {
            string message = SymbolEqualityComparer.Default.Equals(type, read.Type)
                ? $"Workflow class '{type.Name}' must be partial, so the generator can add RunAsync and Graph to it"
                : $"Type '{type.Name}' must be partial, because it contains the workflow class '{read.Type.Name}'";
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration &&
                    !declaration.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, declaration.Identifier.GetLocation(), message));
                }
            }
        }
    }

    private static Diagnostic Describe(GraphProblem problem, WorkflowRead read, WorkflowModel model, CancellationToken cancellationToken)
    {
        string workflow = read.Type.Name;
        IMethodSymbol? method = problem.Step >= 0 ? read.Steps[problem.Step].Method : null;
        StepModel? step = problem.Step >= 0 ? model.Steps[problem.Step] : null;
        return problem.Rule switch
        {
            GraphRule.NoStart => Diagnostic.Create(Descriptors.NoStart, SyntaxLocator.ClassName(read.Type, cancellationToken), workflow),
            GraphRule.NoStop => Diagnostic.Create(Descriptors.NoStop, SyntaxLocator.ClassName(read.Type, cancellationToken), workflow),
            GraphRule.NeverProduced => Diagnostic.Create(
                Descriptors.NeverProduced, SyntaxLocator.EventParameter(method!, cancellationToken), method!.Name, problem.EventName),
            GraphRule.ConsumesStop => Diagnostic.Create(
                Descriptors.ConsumesStop, SyntaxLocator.EventParameter(method!, cancellationToken), method!.Name, problem.EventName),
            GraphRule.NeverConsumed => Diagnostic.Create(
                Descriptors.NeverConsumed, SyntaxLocator.Produced(method!, step!, problem.Site, problem.SiteIndex, cancellationToken), method!.Name, problem.EventName),
            GraphRule.SecondStart => Diagnostic.Create(
                Descriptors.SecondStartOrStop,
                SyntaxLocator.EventParameter(method!, cancellationToken),
                workflow, "StartEvent", method!.Name, "consumes", problem.EventName, problem.OtherStep, problem.OtherEvent),
            _ => Diagnostic.Create(
                Descriptors.SecondStartOrStop,
                SyntaxLocator.Produced(method!, step!, problem.Site, problem.SiteIndex, cancellationToken),
                workflow, "StopEvent", method!.Name, "produces", problem.EventName, problem.OtherStep, problem.OtherEvent),
        };
    }

    /// <summary>WF0007 for a [Step] method whose class is not a workflow.</summary>
    private static void AnalyzeMethod(SymbolAnalysisContext context)
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
