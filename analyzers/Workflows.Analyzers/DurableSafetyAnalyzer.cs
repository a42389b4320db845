using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// WF0020: in a step of a durable workflow, code before <c>ctx.WaitForAsync</c> runs again when the
/// answer arrives (the step runs from its start and the wait returns the recorded answer). A side effect
/// there happens twice — an HTTP call, a database or file write, <c>ctx.Send</c> — and a value taken
/// from the clock, <c>Guid.NewGuid</c> or <c>Random</c> is different the second time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DurableSafetyAnalyzer : DiagnosticAnalyzer
{
    private const string SideEffectAdvice = "Do it after the wait, in a step of its own, or make it idempotent";
    private const string ValueAdvice = "Take it from the event or the run's state, or after the wait";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RepeatedBeforeWait);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Which workflows are durable is a question about the whole compilation, asked once and only
            // when a step that waits is met.
            var durable = new Lazy<HashSet<INamedTypeSymbol>>(() => DurableWorkflows.Find(start.Compilation, start.CancellationToken));
            start.RegisterOperationBlockAction(block => AnalyzeStep(block, durable));
        });
    }

    private static void AnalyzeStep(OperationBlockAnalysisContext context, Lazy<HashSet<INamedTypeSymbol>> durable)
    {
        if (context.OwningSymbol is not IMethodSymbol { ContainingType: { } workflow } method
            || !WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute)
            || !WellKnownTypes.HasAttribute(workflow, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        IOperation[] operations = [.. context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf())];
        int firstWait = operations
            .OfType<IInvocationOperation>()
            .Where(IsWait)
            .Select(i => i.Syntax.SpanStart)
            .DefaultIfEmpty(-1)
            .Min();
        if (firstWait < 0 || !durable.Value.Contains(workflow.OriginalDefinition))
        {
            return;
        }

        foreach (IOperation operation in operations.Where(o => o.Syntax.Span.End <= firstWait))
        {
            if (Describe(operation) is ({ } what, { } consequence, { } advice))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RepeatedBeforeWait, operation.Syntax.GetLocation(), method.Name, what, workflow.Name, consequence, advice));
            }
        }
    }

    private static bool IsWait(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "WaitForAsync" && WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType);

    /// <summary>What an operation does that a second run would repeat or change: what, what happens then, what to do; nulls when harmless.</summary>
    private static (string? What, string? Consequence, string? Advice) Describe(IOperation operation)
    {
        const string Twice = "it happens twice";
        const string Differs = "the value is different the second time";
        switch (operation)
        {
            case IInvocationOperation { TargetMethod: var target }:
                string type = target.ContainingType?.ToDisplayString() ?? string.Empty;
                string name = target.Name;
                if (name == "Send" && WellKnownTypes.IsWorkflowContext(target.ContainingType))
                {
                    return ("sends an event with ctx.Send", "sends it again", SideEffectAdvice);
                }

                if (type == "System.Net.Http.HttpClient" && (name.StartsWith("Send", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Post", StringComparison.Ordinal)
                    || name.StartsWith("Put", StringComparison.Ordinal) || name.StartsWith("Patch", StringComparison.Ordinal) || name.StartsWith("Delete", StringComparison.Ordinal)))
                {
                    return ($"calls HttpClient.{name}", "makes the call again", SideEffectAdvice);
                }

                if (name.StartsWith("PostAs", StringComparison.Ordinal) || name.StartsWith("PutAs", StringComparison.Ordinal) || name.StartsWith("PatchAs", StringComparison.Ordinal))
                {
                    return ($"calls {name}", "makes the call again", SideEffectAdvice);
                }

                if (type == "System.IO.File" && (name.StartsWith("Write", StringComparison.Ordinal) || name.StartsWith("Append", StringComparison.Ordinal)
                    || name is "Delete" or "Copy" or "Move" or "Create" or "Replace"))
                {
                    return ($"calls File.{name}", Twice, SideEffectAdvice);
                }

                if (name.StartsWith("ExecuteNonQuery", StringComparison.Ordinal) || name.StartsWith("ExecuteScalar", StringComparison.Ordinal)
                    || (name.StartsWith("SaveChanges", StringComparison.Ordinal) && InheritsFrom(target.ContainingType, "DbContext")))
                {
                    return ($"writes to a database ({name})", Twice, SideEffectAdvice);
                }

                if (type == "System.Guid" && name == "NewGuid")
                {
                    return ("takes Guid.NewGuid()", Differs, ValueAdvice);
                }

                if (type == "System.Random" && name.StartsWith("Next", StringComparison.Ordinal))
                {
                    return ($"takes a random number (Random.{name})", Differs, ValueAdvice);
                }

                return (null, null, null);

            case IPropertyReferenceOperation { Property: var property }:
                string owner = property.ContainingType?.ToDisplayString() ?? string.Empty;
                if (owner is "System.DateTime" or "System.DateTimeOffset" && property.Name is "Now" or "UtcNow" or "Today")
                {
                    return ($"reads the clock ({property.ContainingType!.Name}.{property.Name})", Differs, ValueAdvice);
                }

                return (null, null, null);

            default:
                return (null, null, null);
        }
    }

    private static bool InheritsFrom(INamedTypeSymbol? type, string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
