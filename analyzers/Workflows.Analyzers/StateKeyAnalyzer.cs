using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// WF0022: a literal <c>ctx.Store</c> key written with one type in a workflow and read with another
/// (<c>Set("n", 1)</c> here, <c>Get&lt;string&gt;("n")</c> there) — a read that throws at run time, in
/// memory and durably alike.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StateKeyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.StateKeyType);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolStartAction(
            start =>
            {
                if (start.Symbol is not INamedTypeSymbol workflow || !WellKnownTypes.HasAttribute(workflow, WellKnownTypes.IsWorkflowAttribute))
                {
                    return;
                }

                var writes = new ConcurrentBag<StateAccess>();
                var reads = new ConcurrentBag<StateAccess>();
                start.RegisterOperationAction(
                    operation =>
                    {
                        if (Access(operation) is { } access)
                        {
                            (access.IsWrite ? writes : reads).Add(access);
                        }
                    },
                    OperationKind.Invocation);
                start.RegisterSymbolEndAction(end => Report(end, writes, reads));
            },
            SymbolKind.NamedType);
    }

    /// <summary>A <c>ctx.Store</c> call with a literal key: <c>Set</c> writes, <c>Get</c> and <c>TryGet</c> read.</summary>
    private static StateAccess? Access(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod is not { TypeArguments.Length: 1, Name: "Set" or "Get" or "TryGet" } method
            || !WellKnownTypes.IsStateStore(method.ContainingType)
            || invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "key")?.Value.ConstantValue is not { HasValue: true, Value: string key }
            || method.TypeArguments[0] is ITypeParameterSymbol or IErrorTypeSymbol)
        {
            return null;
        }

        return new StateAccess(key, method.TypeArguments[0], context.ContainingSymbol.Name, method.Name == "Set", invocation.Syntax.GetLocation());
    }

    private static void Report(SymbolAnalysisContext context, ConcurrentBag<StateAccess> writes, ConcurrentBag<StateAccess> reads)
    {
        foreach (StateAccess read in reads.OrderBy(r => r.Location.SourceSpan.Start))
        {
            StateAccess[] written = [.. writes.Where(w => w.Key == read.Key).OrderBy(w => w.Location.SourceSpan.Start)];
            if (written.Length > 0 && !written.Any(w => SymbolEqualityComparer.Default.Equals(w.Type, read.Type)))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.StateKeyType,
                    read.Location,
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.WrittenType, written[0].Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)),
                    read.Step,
                    read.Key,
                    read.Type.ToDisplayString(SymbolNames.Display),
                    written[0].Step,
                    written[0].Type.ToDisplayString(SymbolNames.Display)));
            }
        }
    }

    private sealed record StateAccess(string Key, ITypeSymbol Type, string Step, bool IsWrite, Location Location);
}
