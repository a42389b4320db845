using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;
using Workflows.Rules;

namespace Workflows.Analyzers;

/// <summary>
/// WF0024–WF0026: with a <c>Workflows.Shipped.txt</c> among the project's additional files, each
/// durable workflow (registered as durable in the project, or listed in the file) is compared with
/// its shipped shape by the rules the runtime resumes stored runs by (<see cref="ShapeChanges"/>):
/// a change that would strand or misread them is an error at the changed declaration, one they read
/// fine is listed as information, and a listed workflow that is gone is an error in the file.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShippedShapeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.ShapeBreak, Descriptors.ShapeAddition, Descriptors.ShippedWorkflowGone);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        if (ShippedBaseline.Find(context.Options.AdditionalFiles, context.CancellationToken) is not { } baseline)
        {
            return;
        }

        Compilation compilation = context.Compilation;
        var durable = new System.Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>>(
            () => DurableWorkflows.Find(compilation, context.CancellationToken),
            LazyThreadSafetyMode.ExecutionAndPublication);
        var present = new ConcurrentDictionary<string, bool>(System.StringComparer.Ordinal);

        context.RegisterSymbolStartAction(
            start =>
            {
                var type = (INamedTypeSymbol)start.Symbol;
                if (!WellKnownTypes.HasAttribute(type, WellKnownTypes.IsWorkflowAttribute))
                {
                    return;
                }

                string key = ShippedBaseline.KeyOf(WorkflowReader.NameOf(type), WorkflowReader.VersionOf(type));
                present[key] = true;
                IReadOnlyList<string>? shipped = baseline.ShapeOf(key);
                if (shipped is null && !durable.Value.ContainsKey(type.OriginalDefinition))
                {
                    return;
                }

                var bodies = new ConcurrentDictionary<IMethodSymbol, StepBody>(SymbolEqualityComparer.Default);
                start.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is IMethodSymbol method && WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute))
                    {
                        bodies[method] = StepBodyReader.Read(method, block.OperationBlocks, block.CancellationToken);
                    }
                });
                start.RegisterSymbolEndAction(end => Compare(end, type, key, bodies, shipped, baseline, compilation));
            },
            SymbolKind.NamedType);

        context.RegisterCompilationEndAction(end =>
        {
            foreach (string workflow in baseline.Workflows.OrderBy(static w => w, System.StringComparer.Ordinal))
            {
                if (!present.ContainsKey(workflow))
                {
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.ShippedWorkflowGone, baseline.LocationOf(workflow, end.CancellationToken), workflow, ShippedBaseline.AttributeFor(workflow)));
                }
            }
        });
    }

    private static void Compare(SymbolAnalysisContext context, INamedTypeSymbol type, string key, ConcurrentDictionary<IMethodSymbol, StepBody> bodies, IReadOnlyList<string>? shipped, ShippedBaseline baseline, Compilation compilation)
    {
        WorkflowRead read = WorkflowReader.Read(type, method => bodies.TryGetValue(method, out StepBody? body) ? body : null, context.CancellationToken);
        if (read.Model is not { } model || GraphRules.Analyze(model) is not { IsValid: true } graph)
        {
            // The workflow has errors of its own (reported by WF0001–WF0018): no shape to compare yet.
            return;
        }

        string shape = WorkflowShape.Describe(model, graph);
        ImmutableDictionary<string, string?> fix = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.Workflow, key)
            .Add(DiagnosticProperties.Shape, shape);
        if (shipped is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.ShapeAddition,
                type.Locations.FirstOrDefault(),
                fix,
                key,
                "is not in Workflows.Shipped.txt yet",
                "add it when you ship, so a later change that would strand its stored runs fails the build"));
            return;
        }

        // For the fix that keeps the shipped version: this class becomes the next version of its name, at its class.
        ImmutableDictionary<string, string?> keep = fix.Add(
            DiagnosticProperties.NextVersion,
            (System.Math.Max(model.Version, baseline.HighestVersionOf(model.WorkflowName)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Location[] declaration = [type.Locations[0]];
        var locator = new ShapeLocator(type, read, compilation);
        foreach (ShapeChange change in ShapeChanges.Compare(shipped, shape.Split('\n')))
        {
            context.ReportDiagnostic(change.IsBreaking
                ? Diagnostic.Create(Descriptors.ShapeBreak, locator.Find(change, context.CancellationToken), declaration, keep, key, change.Description)
                : Diagnostic.Create(
                    Descriptors.ShapeAddition,
                    locator.Find(change, context.CancellationToken),
                    fix,
                    key,
                    change.Description + " since Workflows.Shipped.txt",
                    "runs stored under the shipped shape read it fine. Record it in Workflows.Shipped.txt when you ship."));
        }
    }

    /// <summary>Where a change is in the source: the step, the event parameter, the member, the event type, or else the workflow class.</summary>
    private sealed class ShapeLocator(INamedTypeSymbol type, WorkflowRead read, Compilation compilation)
    {
        public Location? Find(ShapeChange change, CancellationToken cancellationToken)
        {
            Location? location = change.Kind switch
            {
                ShapeChangeKind.StepMoved or ShapeChangeKind.StepAdded or ShapeChangeKind.StepChanged => StepOf(change.Subject)?.Locations.FirstOrDefault(),
                ShapeChangeKind.StepInputChanged => EventParameterOf(StepOf(change.Subject), cancellationToken),
                ShapeChangeKind.MemberRetyped or ShapeChangeKind.MemberAdded => MemberOf(change.Subject, change.Member!),
                ShapeChangeKind.MemberRemoved or ShapeChangeKind.EventAdded => EventOf(change.Subject)?.Locations.FirstOrDefault(),
                _ => null,
            };
            return location is { IsInSource: true } ? location : type.Locations.FirstOrDefault();
        }

        private IMethodSymbol? StepOf(string name) => read.Steps.Select(static s => s.Method).FirstOrDefault(m => m.Name == name);

        private static Location? EventParameterOf(IMethodSymbol? step, CancellationToken cancellationToken) =>
            step?.Parameters.FirstOrDefault()?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ParameterSyntax { Type: { } parameterType }
                ? parameterType.GetLocation()
                : step?.Locations.FirstOrDefault();

        private INamedTypeSymbol? EventOf(string typeName)
        {
            string metadataName = typeName.StartsWith("global::", System.StringComparison.Ordinal) ? typeName.Substring("global::".Length) : typeName;
            // The source declaration, if the type is declared in this project (nested and generic types fall back to the workflow).
            return metadataName.IndexOf('<') < 0
                ? compilation.GetTypesByMetadataName(metadataName).FirstOrDefault(static t => t.Locations.Any(static l => l.IsInSource))
                : null;
        }

        private Location? MemberOf(string typeName, string member)
        {
            for (INamedTypeSymbol? ev = EventOf(typeName); ev is not null; ev = ev.BaseType)
            {
                if (ev.GetMembers(member).FirstOrDefault() is { } symbol)
                {
                    return symbol.Locations.FirstOrDefault();
                }
            }

            return EventOf(typeName)?.Locations.FirstOrDefault();
        }
    }
}
