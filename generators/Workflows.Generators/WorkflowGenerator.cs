using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Generators;

/// <summary>
/// Emits, for every valid <c>[Workflow]</c> partial class, a typed <c>RunAsync</c>, the static
/// <c>Graph</c> and a reflection-free dispatcher. Invalid workflows get no code: the analyzers
/// report what is wrong.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class WorkflowGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<WorkflowModel> workflows = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypes.WorkflowAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Workflows)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ValidWorkflows);

        context.RegisterSourceOutput(workflows, static (output, workflow) => Emitter.Emit(output, workflow));
    }
}
