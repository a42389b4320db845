using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>The checks of one workflow class, once its step bodies are known.</summary>
internal sealed class WorkflowChecks
{
    private readonly SymbolAnalysisContext _context;
    private readonly INamedTypeSymbol _type;
    private readonly ConcurrentDictionary<IMethodSymbol, StepBody> _bodies;
    private readonly CancellationToken _cancellationToken;

    public WorkflowChecks(SymbolAnalysisContext context, INamedTypeSymbol type, ConcurrentDictionary<IMethodSymbol, StepBody> bodies)
    {
        _context = context;
        _type = type;
        _bodies = bodies;
        _cancellationToken = context.CancellationToken;
    }

    public void Run()
    {
        WorkflowRead read = WorkflowReader.Read(_type, method => _bodies.TryGetValue(method, out StepBody? body) ? body : null, _cancellationToken);
        ReportNotPartial(read);
        ReportWorkflowAttribute();
        ReportStepIssues(read);
        foreach (StepRead step in read.Steps)
        {
            ReportBlockingCalls(step);
        }

        // Graph rules need every step; with a broken signature they would only echo that error.
        if (read.Model is not { } model)
        {
            return;
        }

        // An event a step sends without declaring it is reported once, at the send (WF0011). What
        // follows from its absence in the graph — nothing produces it (WF0003), the step taking it
        // cannot be reached (WF0009), the sender seems to lead nowhere (WF0010), a wait for it never
        // ends (WF0015) — would only repeat that mistake.
        List<(int Step, EventRef Event)> undeclared = UndeclaredSends(read, model);
        GraphAnalysis graph = GraphRules.Analyze(model);
        foreach (GraphProblem problem in graph.Problems)
        {
            if (!FollowsFromUndeclaredSend(problem, model, undeclared))
            {
                Report(GraphDiagnostics.Describe(problem, read, model, _cancellationToken));
            }
        }

        for (int s = 0; s < read.Steps.Length; s++)
        {
            if (_bodies.TryGetValue(read.Steps[s].Method, out StepBody? body))
            {
                ReportBodyChecks(read.Steps[s].Method, model.Steps[s], body, model, graph, undeclared);
            }
        }
    }

    /// <summary>The events steps send with <c>ctx.Send</c> without declaring them in <c>[Emits]</c>.</summary>
    private List<(int Step, EventRef Event)> UndeclaredSends(WorkflowRead read, WorkflowModel model)
    {
        var undeclared = new List<(int Step, EventRef Event)>();
        for (int s = 0; s < read.Steps.Length; s++)
        {
            if (_bodies.TryGetValue(read.Steps[s].Method, out StepBody? body))
            {
                foreach (BodyCall send in body.Sends)
                {
                    if (IsEventClass(send.Type) && SymbolNames.Event(send.Type) is { } ev && !model.Steps[s].Emits.Any(declared => ev.IsAssignableTo(declared)))
                    {
                        undeclared.Add((s, ev));
                    }
                }
            }
        }

        return undeclared;
    }

    private static bool FollowsFromUndeclaredSend(GraphProblem problem, WorkflowModel model, List<(int Step, EventRef Event)> undeclared) =>
        problem.Step >= 0 && problem.Rule switch
        {
            GraphRule.NeverProduced or GraphRule.Unreachable => undeclared.Any(sent => sent.Event.IsRelatedTo(model.Steps[problem.Step].Accepts)),
            GraphRule.NeverFinishes => undeclared.Any(sent => sent.Step == problem.Step),
            _ => false,
        };

    private void ReportNotPartial(WorkflowRead read)
    {
        foreach (INamedTypeSymbol type in read.NotPartial)
        {
            string message = SymbolEqualityComparer.Default.Equals(type, read.Type)
                ? $"Workflow class '{type.Name}' must be partial, so the generator can add RunAsync and Graph to it"
                : $"Type '{type.Name}' must be partial, because it contains the workflow class '{read.Type.Name}'";
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(Diagnostic.Create(Descriptors.NotPartial, declaration.Identifier.GetLocation(), message));
                }
            }
        }
    }

    /// <summary>WF0013 for <c>[Workflow(Name = …, Version = …)]</c> values runs could not be stored under.</summary>
    private void ReportWorkflowAttribute()
    {
        if (WorkflowReader.WorkflowArgument(_type, "Name") is { Value: string name } && string.IsNullOrWhiteSpace(name))
        {
            Report(Diagnostic.Create(Descriptors.InvalidAttribute, WorkflowArgumentLocation("Name"), _type.Name, "Name must not be empty; leave it out to use the class name"));
        }

        if (WorkflowReader.WorkflowArgument(_type, "Version") is { Value: int version } && version < 1)
        {
            Report(Diagnostic.Create(
                Descriptors.InvalidAttribute,
                WorkflowArgumentLocation("Version"),
                ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Replacement, "1"),
                _type.Name,
                $"Version must be 1 or more; it is {version}"));
        }
    }

    /// <summary>The value of a named argument of the class's <c>[Workflow]</c>, or the class name.</summary>
    private Location WorkflowArgumentLocation(string name)
    {
        foreach (AttributeData attribute in _type.GetAttributes())
        {
            if (WellKnownTypes.IsWorkflowAttribute(attribute.AttributeClass)
                && attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is AttributeSyntax { ArgumentList: { } arguments })
            {
                foreach (AttributeArgumentSyntax argument in arguments.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.Expression.GetLocation();
                    }
                }
            }
        }

        return _type.Locations[0];
    }

    /// <summary>WF0005 for signatures, WF0013 for attribute values.</summary>
    private void ReportStepIssues(WorkflowRead read)
    {
        foreach (StepRead step in read.Steps)
        {
            foreach (StepIssue issue in step.Issues)
            {
                Location location = SyntaxLocator.Issue(step.Method, issue, _cancellationToken);
                switch (issue.Kind)
                {
                    case StepIssueKind.Unresolved:
                        // The compiler already reports the unknown type.
                        break;
                    case StepIssueKind.InvalidOption:
                        Report(Diagnostic.Create(
                            Descriptors.InvalidAttribute,
                            location,
                            ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Replacement, StepIssueMessages.Replacement(issue.Option)),
                            step.Method.Name,
                            StepIssueMessages.DescribeAttribute(issue)));
                        break;
                    case StepIssueKind.EmitsNotAnEvent:
                        Report(Diagnostic.Create(
                            Descriptors.InvalidAttribute,
                            location,
                            ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.RemoveEmits, "true"),
                            step.Method.Name,
                            StepIssueMessages.DescribeAttribute(issue)));
                        break;
                    default:
                        Report(Diagnostic.Create(Descriptors.BadSignature, location, step.Method.Name, StepIssueMessages.Describe(issue)));
                        break;
                }
            }
        }
    }

    /// <summary>WF0016.</summary>
    private void ReportBlockingCalls(StepRead step)
    {
        if (_bodies.TryGetValue(step.Method, out StepBody? body))
        {
            foreach (BodyBlockingCall call in body.Blocking)
            {
                Report(Diagnostic.Create(Descriptors.BlockingCall, call.Location, step.Method.Name, call.What));
            }
        }
    }

    /// <summary>WF0011, WF0012 and WF0015: what the body sends and waits for, against what the step declares and the graph produces.</summary>
    private void ReportBodyChecks(IMethodSymbol method, StepModel step, StepBody body, WorkflowModel model, GraphAnalysis graph, List<(int Step, EventRef Event)> undeclared)
    {
        var sent = new List<EventRef>();
        foreach (BodyCall send in body.Sends)
        {
            if (!IsEventClass(send.Type))
            {
                continue;
            }

            EventRef ev = SymbolNames.Event(send.Type);
            sent.Add(ev);
            if (!step.Emits.Any(declared => ev.IsAssignableTo(declared)))
            {
                Report(Diagnostic.Create(
                    Descriptors.UndeclaredSend,
                    send.Location,
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.EventType, ev.TypeName),
                    method.Name,
                    ev.DisplayName,
                    send.IsOverdue ? "as a task's Overdue event" : "with ctx.Send"));
            }
        }

        if (!body.ContextEscapes)
        {
            for (int i = 0; i < step.Emits.Count; i++)
            {
                if (!sent.Any(ev => ev.IsRelatedTo(step.Emits[i])))
                {
                    Report(Diagnostic.Create(
                        Descriptors.UnusedEmits,
                        SyntaxLocator.Produced(method, step, EventSite.Emits, i, _cancellationToken),
                        method.Name,
                        step.Emits[i].DisplayName));
                }
            }
        }

        foreach (BodyCall collect in body.Collects)
        {
            ReportIfNeverArrives(method, "collects", collect.Type, collect.Location, model, graph, undeclared);
        }

        foreach (BodyWait wait in body.Waits)
        {
            ReportIfNeverArrives(method, "waits for", wait.Response, wait.Location, model, graph, undeclared);
        }
    }

    /// <summary>WF0015: an event a step gathers or waits for must be produced by a step, or come from outside.</summary>
    private void ReportIfNeverArrives(IMethodSymbol method, string verb, ITypeSymbol type, Location location, WorkflowModel model, GraphAnalysis graph, List<(int Step, EventRef Event)> undeclared)
    {
        if (!IsEventClass(type))
        {
            return;
        }

        EventRef ev = SymbolNames.Event(type);
        bool arrives = ev.Role == EventRole.HumanResponse ||
                       undeclared.Any(sent => sent.Event.IsRelatedTo(ev)) ||
                       (graph.Start is { } start && start.IsRelatedTo(ev)) ||
                       model.Steps.Any(step => GraphRules.Produced(step).Any(produced => produced.Event.IsRelatedTo(ev)));
        if (!arrives)
        {
            Report(Diagnostic.Create(Descriptors.UnproducedWait, location, method.Name, verb, ev.DisplayName));
        }
    }

    private static bool IsEventClass(ITypeSymbol type) => type is INamedTypeSymbol && WellKnownTypes.IsEvent(type);

    private void Report(Diagnostic diagnostic) => _context.ReportDiagnostic(diagnostic);
}
