using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Generators;

/// <summary>
/// Emits, for every valid <c>[Workflow]</c> partial class, a typed <c>RunAsync</c>, the static
/// <c>Graph</c> and a reflection-free dispatcher. A workflow whose graph has errors gets members of
/// the same signatures that cannot run, so the analyzers' error is the only one; a class that is not
/// partial or a step whose signature is not a step's gets nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class WorkflowGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParsedWorkflow> workflows = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypes.WorkflowAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Workflows)
            .Where(static parsed => parsed is not null)
            .Select(static (parsed, _) => parsed!);

        IncrementalValuesProvider<WorkflowModel> valid = workflows
            .Where(static parsed => parsed.StandIn is null)
            .Select(static (parsed, _) => parsed.Model)
            .WithTrackingName(TrackingNames.ValidWorkflows);
        IncrementalValuesProvider<ParsedWorkflow> invalid = workflows
            .Where(static parsed => parsed.StandIn is not null)
            .WithTrackingName(TrackingNames.InvalidWorkflows);

        context.RegisterSourceOutput(valid, static (output, workflow) => Emitter.Emit(output, workflow));
        context.RegisterSourceOutput(invalid, static (output, workflow) => StandInEmitter.Emit(output, workflow.Model, workflow.StandIn!));
    }
}
