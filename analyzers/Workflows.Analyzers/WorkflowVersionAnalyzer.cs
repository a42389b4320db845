using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// WF0027: two <c>[Workflow]</c> classes of one compilation with the same name and version, one of
/// them naming or versioning itself (<c>[Workflow(Name = …)]</c>, <c>Version = …</c>). Durable runs
/// are stored under both, so a runtime could not tell which class a stored run belongs to. (Two
/// classes that only share a class name, in different namespaces, are fine in memory; registering
/// both for durable runs is refused at start-up.) Every class after the first, in source order, is
/// reported, naming the first.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkflowVersionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.DuplicateVersion);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            Compilation compilation = start.Compilation;
            var firsts = new System.Lazy<Dictionary<(string Name, int Version), INamedTypeSymbol>>(
                () => FirstOfEach(compilation, start.CancellationToken),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(
                symbol =>
                {
                    var type = (INamedTypeSymbol)symbol.Symbol;
                    if (!WellKnownTypes.HasAttribute(type, WellKnownTypes.IsWorkflowAttribute))
                    {
                        return;
                    }

                    (string Name, int Version) key = (WorkflowReader.NameOf(type), WorkflowReader.VersionOf(type));
                    if (firsts.Value.TryGetValue(key, out INamedTypeSymbol? first) && !SymbolEqualityComparer.Default.Equals(first, type) && (IsExplicit(type) || IsExplicit(first)))
                    {
                        symbol.ReportDiagnostic(Diagnostic.Create(Descriptors.DuplicateVersion, type.Locations[0], type.Name, key.Name, key.Version, first.ToDisplayString()));
                    }
                },
                SymbolKind.NamedType);
        });
    }

    private static bool IsExplicit(INamedTypeSymbol type) =>
        WorkflowReader.WorkflowArgument(type, "Name") is not null || WorkflowReader.WorkflowArgument(type, "Version") is not null;

    /// <summary>The first workflow class (by file and position) of each name and version declared in the compilation.</summary>
    private static Dictionary<(string Name, int Version), INamedTypeSymbol> FirstOfEach(Compilation compilation, CancellationToken cancellationToken)
    {
        var firsts = new Dictionary<(string Name, int Version), INamedTypeSymbol>();
        IEnumerable<INamedTypeSymbol> workflows = compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken)
            .OfType<INamedTypeSymbol>()
            .Where(static t => WellKnownTypes.HasAttribute(t, WellKnownTypes.IsWorkflowAttribute))
            .OrderBy(static t => t.Locations[0].SourceTree?.FilePath, System.StringComparer.Ordinal)
            .ThenBy(static t => t.Locations[0].SourceSpan.Start);
        foreach (INamedTypeSymbol workflow in workflows)
        {
            (string, int) key = (WorkflowReader.NameOf(workflow), WorkflowReader.VersionOf(workflow));
            if (!firsts.ContainsKey(key))
            {
                firsts[key] = workflow;
            }
        }

        return firsts;
    }
}
