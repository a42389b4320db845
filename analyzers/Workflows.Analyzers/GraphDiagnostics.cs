using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>Turns a broken graph rule into its diagnostic, at the smallest span.</summary>
internal static class GraphDiagnostics
{
    public static Diagnostic Describe(GraphProblem problem, WorkflowRead read, WorkflowModel model, CancellationToken cancellationToken)
    {
        string workflow = read.Type.Name;
        if (problem.Step < 0)
        {
            DiagnosticDescriptor descriptor = problem.Rule == GraphRule.NoStart ? Descriptors.NoStart : Descriptors.NoStop;
            return Diagnostic.Create(descriptor, SyntaxLocator.ClassName(read.Type, cancellationToken), workflow);
        }

        IMethodSymbol method = read.Steps[problem.Step].Method;
        StepModel step = model.Steps[problem.Step];
        Location Parameter() => SyntaxLocator.EventParameter(method, cancellationToken);
        Location Produced() => SyntaxLocator.Produced(method, step, problem.Site, problem.SiteIndex, cancellationToken);

        return problem.Rule switch
        {
            GraphRule.NeverProduced => Diagnostic.Create(Descriptors.NeverProduced, Parameter(), method.Name, problem.EventName),
            GraphRule.ConsumesStop => Diagnostic.Create(Descriptors.ConsumesStop, Parameter(), method.Name, problem.EventName),
            GraphRule.NeverConsumed => Diagnostic.Create(
                Descriptors.NeverConsumed,
                Produced(),
                ImmutableDictionary<string, string?>.Empty
                    .Add(DiagnosticProperties.EventType, EventAt(step, problem).TypeName)
                    .Add(DiagnosticProperties.EventName, problem.EventName),
                method.Name,
                problem.EventName),
            GraphRule.SecondStart => Diagnostic.Create(
                Descriptors.SecondStartOrStop, Parameter(), workflow, "StartEvent", method.Name, "consumes", problem.EventName, problem.OtherStep, problem.OtherEvent),
            GraphRule.SecondStop => Diagnostic.Create(
                Descriptors.SecondStartOrStop, Produced(), workflow, "StopEvent", method.Name, "produces", problem.EventName, problem.OtherStep, problem.OtherEvent),
            GraphRule.Unreachable => Diagnostic.Create(Descriptors.Unreachable, Parameter(), method.Name, problem.EventName, problem.OtherStep),
            GraphRule.JoinWithoutFanOut => Diagnostic.Create(
                Descriptors.JoinWithoutFanOut,
                Parameter(),
                method.Name,
                problem.EventName,
                problem.OtherStep.Length == 0 ? "from the caller" : $"from '{problem.OtherStep}'"),
            GraphRule.CatchesUnknownStep => Diagnostic.Create(
                Descriptors.InvalidErrorHandler,
                SyntaxLocator.CatchErrors(method, problem.SiteIndex, cancellationToken),
                $"[CatchErrors] on '{method.Name}' names '{problem.EventName}', which is not a step of '{workflow}'"),
            GraphRule.CatchesItself => Diagnostic.Create(
                Descriptors.InvalidErrorHandler,
                SyntaxLocator.CatchErrors(method, problem.SiteIndex, cancellationToken),
                $"'{method.Name}' cannot catch its own failures; a failing error handler fails the run"),
            GraphRule.CatchesWithoutFailureEvent => Diagnostic.Create(
                Descriptors.InvalidErrorHandler,
                Parameter(),
                $"'{method.Name}' has [CatchErrors] but takes '{problem.EventName}'; an error handler takes a StepFailedEvent"),
            GraphRule.FailureEventWithoutCatch => Diagnostic.Create(
                Descriptors.InvalidErrorHandler,
                Parameter(),
                $"'{method.Name}' takes a StepFailedEvent but has no [CatchErrors], so no failure ever reaches it"),
            GraphRule.CatchesOverlap => Diagnostic.Create(
                Descriptors.OverlappingErrorHandlers,
                SyntaxLocator.CatchErrors(method, -1, cancellationToken),
                problem.EventName,
                problem.OtherStep,
                method.Name),
            GraphRule.NeverFinishes => Diagnostic.Create(
                Descriptors.NeverFinishes,
                step.Returns.Count > 0 ? SyntaxLocator.ReturnType(method, cancellationToken) : SyntaxLocator.MethodName(method, cancellationToken),
                method.Name),
            _ => Diagnostic.Create(
                Descriptors.DuplicateName, SyntaxLocator.MethodName(method, cancellationToken), workflow, method.Name, problem.OtherEvent, problem.EventName),
        };
    }

    private static EventRef EventAt(StepModel step, GraphProblem problem) =>
        problem.Site == EventSite.Emits ? step.Emits[problem.SiteIndex] : step.Returns[problem.SiteIndex];
}
