using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// Steps of durable workflows. WF0020: code before <c>ctx.WaitForAsync</c> runs again when the answer
/// arrives (the step runs from its start and the wait returns the recorded answer); a side effect there
/// happens twice — an HTTP call, a database or file write, <c>ctx.Send</c> — and a value taken from the
/// clock, <c>Guid.NewGuid</c> or <c>Random</c> is different the second time. WF0021: a value kept in
/// <c>ctx.Store</c>, a result of <c>ctx.OnceAsync</c>, or an event a step waits for or asks with, of a
/// type the registered JSON context cannot serialize. Work inside <c>ctx.OnceAsync</c> is done once
/// (its result is recorded and returned to a re-run), so it is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DurableSafetyAnalyzer : DiagnosticAnalyzer
{
    private const string SideEffectAdvice = "Do it inside ctx.OnceAsync, whose result is recorded and returned to the re-run, or after the wait, or make it idempotent";
    private const string ValueAdvice = "Take it inside ctx.OnceAsync, whose result is recorded and returned to the re-run, or from the event or the run's state";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RepeatedBeforeWait, Descriptors.UnserializableValue);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Which workflows are durable is a question about the whole compilation, asked once and only
            // when a step that waits is met.
            var durable = new Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>>(() => DurableWorkflows.Find(start.Compilation, start.CancellationToken));
            var reachable = new ConcurrentDictionary<INamedTypeSymbol, HashSet<ITypeSymbol>>(SymbolEqualityComparer.Default);
            start.RegisterOperationBlockAction(block => AnalyzeStep(block, durable, json => reachable.GetOrAdd(json, j => DurableSerializationAnalyzer.Reachable(j, start.Compilation))));
        });
    }

    private static void AnalyzeStep(OperationBlockAnalysisContext context, Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>> durable, Func<INamedTypeSymbol, HashSet<ITypeSymbol>> reachable)
    {
        if (context.OwningSymbol is not IMethodSymbol { ContainingType: { } workflow } method
            || !WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute)
            || !WellKnownTypes.HasAttribute(workflow, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        IOperation[] operations = [.. context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf())];
        bool storesOrWaits = operations.OfType<IInvocationOperation>().Any(i => IsWait(i) || IsStoreSet(i) || IsOnce(i) || i.TargetMethod.Name is "WriteLive" or "WriteToStream" || HelperDeclarations(i).Any());
        if (!storesOrWaits || !durable.Value.TryGetValue(workflow.OriginalDefinition, out List<INamedTypeSymbol>? contexts))
        {
            return;
        }

        ReportUnserializable(context, method, workflow, operations, contexts, reachable);
        int firstWait = operations
            .OfType<IInvocationOperation>()
            .Where(i => IsWait(i) || HelperDeclarations(i).Any(d => d.Verb == WaitsFor))
            .Select(i => i.Syntax.SpanStart)
            .DefaultIfEmpty(-1)
            .Min();
        if (firstWait < 0)
        {
            return;
        }

        // The work given to ctx.OnceAsync is done once: a re-run gets its recorded result instead.
        Microsoft.CodeAnalysis.Text.TextSpan[] once = [.. operations
            .OfType<IInvocationOperation>()
            .Where(IsOnce)
            .SelectMany(i => i.Arguments.Where(a => a.Parameter?.Ordinal == 1).Select(a => a.Syntax.Span))];
        foreach (IOperation operation in operations.Where(o => o.Syntax.Span.End <= firstWait && !once.Any(span => span.Contains(o.Syntax.Span))))
        {
            if (Describe(operation) is ({ } what, { } consequence, { } advice))
            {
                // A value (the clock, a new Guid, a random number) can be recorded once: the code fix wraps it in ctx.OnceAsync.
                ImmutableDictionary<string, string?> fix = advice == ValueAdvice && operation.Type is { } valueType
                    ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.RecordedType, valueType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RepeatedBeforeWait, operation.Syntax.GetLocation(), fix, method.Name, what, workflow.Name, consequence, advice));
            }
        }
    }

    private static bool IsWait(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "WaitForAsync" && WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType);

    private const string WaitsFor = "waits for";

    /// <summary>What a helper given the step's context declares it waits for, asks with and streams (<c>[WaitsFor]</c>, <c>[Streams]</c>).</summary>
    private static IEnumerable<(string Verb, ITypeSymbol Type)> HelperDeclarations(IInvocationOperation invocation)
    {
        foreach (HelperDeclaration declared in Generators.Reading.HelperDeclarations.Of(invocation))
        {
            if (declared.Response is { } response)
            {
                yield return (WaitsFor, response);
                yield return ("asks with", declared.Prompt!);
            }
            else if (declared.Streamed is { } streamed)
            {
                yield return ("streams", streamed);
            }
        }
    }

    private static bool IsOnce(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "OnceAsync" && WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType);

    private static bool IsStoreSet(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "Set" && WellKnownTypes.IsStateStore(invocation.TargetMethod.ContainingType);

    /// <summary>WF0021: what the step keeps in ctx.Store, waits for and asks with must be serializable by every context the workflow is registered with.</summary>
    private static void ReportUnserializable(
        OperationBlockAnalysisContext context,
        IMethodSymbol method,
        INamedTypeSymbol workflow,
        IOperation[] operations,
        List<INamedTypeSymbol> contexts,
        Func<INamedTypeSymbol, HashSet<ITypeSymbol>> reachable)
    {
        foreach (IInvocationOperation invocation in operations.OfType<IInvocationOperation>())
        {
            var stored = new List<(string Verb, ITypeSymbol Type)>();
            if (IsStoreSet(invocation) && invocation.TargetMethod.TypeArguments.Length == 1)
            {
                stored.Add(("keeps in ctx.Store", invocation.TargetMethod.TypeArguments[0]));
            }
            else if (invocation.TargetMethod.Name is "WriteLive" or "WriteToStream" && WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType)
                && invocation.Arguments.Length == 1 && (invocation.Arguments[0].Value is IConversionOperation { IsImplicit: true } written ? written.Operand.Type : invocation.Arguments[0].Value.Type) is { } writtenType)
            {
                stored.Add((invocation.TargetMethod.Name == "WriteLive" ? "writes live" : "streams", writtenType));
            }
            else if (IsOnce(invocation) && invocation.TargetMethod.TypeArguments.Length == 1)
            {
                stored.Add(("records with ctx.OnceAsync", invocation.TargetMethod.TypeArguments[0]));
            }
            else if (IsWait(invocation) && invocation.TargetMethod.TypeArguments.Length == 1)
            {
                stored.Add((WaitsFor, invocation.TargetMethod.TypeArguments[0]));
                if (invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } prompt
                    && (prompt is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : prompt.Type) is { } promptType)
                {
                    stored.Add(("asks with", promptType));
                }
            }

            stored.AddRange(HelperDeclarations(invocation));
            foreach ((string verb, ITypeSymbol type) in stored)
            {
                if (type is ITypeParameterSymbol or IErrorTypeSymbol || type.SpecialType == SpecialType.System_Object || type.IsAbstract)
                {
                    continue;
                }

                foreach (INamedTypeSymbol json in contexts)
                {
                    if (!reachable(json).Contains(type))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.UnserializableValue,
                            invocation.Syntax.GetLocation(),
                            DurableSerializationAnalyzer.ContextLocations(json),
                            DurableSerializationAnalyzer.Lacking(type),
                            method.Name,
                            verb,
                            type.ToDisplayString(SymbolNames.Display),
                            json.Name,
                            workflow.Name));
                    }
                }
            }
        }
    }

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
