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

        if (ContextOf(invocation) is not { } json || invocation.Arguments.FirstOrDefault(a => a.Parameter is { Type.Name: "JsonSerializerContext" }) is not { } argument)
        {
            // The exact context is not known statically: nothing to check.
            return;
        }

        HashSet<ITypeSymbol> covered = Serializable(json);
        foreach (ITypeSymbol ev in EventsOf(workflow))
        {
            if (!ev.IsAbstract && !covered.Contains(ev))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.UnserializableEvent,
                    argument.Value.Syntax.GetLocation(),
                    ContextLocations(json),
                    Lacking(ev),
                    json.Name,
                    ev.ToDisplayString(SymbolNames.Display),
                    workflow.Name));
            }
        }
    }

    /// <summary>Where a context is declared: the code fix adds the missing <c>[JsonSerializable]</c> there.</summary>
    internal static IEnumerable<Location> ContextLocations(INamedTypeSymbol json) =>
        json.DeclaringSyntaxReferences.Take(1).Select(reference => Location.Create(reference.SyntaxTree, reference.Span));

    /// <summary>The type a context lacks, fully qualified, for the code fix.</summary>
    internal static ImmutableDictionary<string, string?> Lacking(ITypeSymbol type) =>
        ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.EventType, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));

    /// <summary>The source-generated context a registration passes, when its exact type is known statically.</summary>
    internal static INamedTypeSymbol? ContextOf(IInvocationOperation registration)
    {
        foreach (IArgumentOperation argument in registration.Arguments)
        {
            if (argument.Parameter is { Type.Name: "JsonSerializerContext" })
            {
                ITypeSymbol? written = argument.Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : argument.Value.Type;
                return written is INamedTypeSymbol json && json.Name != "JsonSerializerContext" ? json : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The types a context can serialize: those its <c>[JsonSerializable]</c> attributes name, the types
    /// of their properties, elements and type arguments all the way down (the source generator covers
    /// them too), and <c>int</c>, which the runtime's own context covers.
    /// </summary>
    internal static HashSet<ITypeSymbol> Reachable(INamedTypeSymbol json, Compilation compilation)
    {
        var reachable = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { compilation.GetSpecialType(SpecialType.System_Int32) };
        var pending = new Stack<ITypeSymbol>(Serializable(json));
        while (pending.Count > 0)
        {
            ITypeSymbol type = pending.Pop();
            if (!reachable.Add(type))
            {
                continue;
            }

            if (type is IArrayTypeSymbol array)
            {
                pending.Push(array.ElementType);
            }
            else if (type is INamedTypeSymbol named)
            {
                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    pending.Push(argument);
                }

                if (named.SpecialType == SpecialType.None && named.ContainingNamespace?.ToDisplayString().StartsWith("System", System.StringComparison.Ordinal) != true)
                {
                    foreach (IPropertySymbol property in named.GetMembers().OfType<IPropertySymbol>().Where(p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic))
                    {
                        pending.Push(property.Type);
                    }
                }
            }
        }

        return reachable;
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
