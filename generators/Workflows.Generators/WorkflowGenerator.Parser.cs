using System.Threading;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Graph;
using Workflows.Generators.Model;
using Workflows.Generators.Reading;

namespace Workflows.Generators;

public sealed partial class WorkflowGenerator
{
    /// <summary>Turns a <c>[Workflow]</c> class into its model, or <see langword="null"/> when it cannot get code.</summary>
    internal static class Parser
    {
        public static WorkflowModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return null;
            }

            WorkflowRead read = WorkflowReader.Read(type, cancellationToken);

            // The graph is checked here rather than at emit time so that an invalid workflow never
            // reaches the output step; the analyzers report the same rules with locations.
            return read.CanGenerate && GraphRules.Analyze(read.Model!).IsValid ? read.Model : null;
        }
    }
}
