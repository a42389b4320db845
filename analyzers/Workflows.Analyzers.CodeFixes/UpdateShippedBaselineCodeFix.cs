using System;
using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Workflows.Analyzers.CodeFixes;

/// <summary>
/// WF0024 and WF0025: writes the durable workflow's shape in this build into <c>Workflows.Shipped.txt</c>,
/// replacing its shipped lines. For a change no stored run depends on: a compatible one, or a breaking
/// one made on purpose with no run of the workflow in flight.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateShippedBaselineCodeFix)), Shared]
public sealed class UpdateShippedBaselineCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.ShapeBreak.Id, Descriptors.ShapeAddition.Id);

    /// <inheritdoc/>
    /// <remarks>None: one workflow's diagnostics all offer the same change, and different workflows' changes touch the same file.</remarks>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        TextDocument? baseline = context.Document.Project.AdditionalDocuments
            .FirstOrDefault(static d => string.Equals(Path.GetFileName(d.FilePath ?? d.Name), ShippedBaseline.FileName, StringComparison.OrdinalIgnoreCase));
        if (baseline is null)
        {
            return Task.CompletedTask;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Workflow, out string? workflow) && workflow is not null
                && diagnostic.Properties.TryGetValue(DiagnosticProperties.Shape, out string? shape) && shape is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Record '{workflow}' as shipped in {ShippedBaseline.FileName}",
                        cancellationToken => RecordAsync(context.Document.Project.Solution, baseline.Id, workflow, shape, cancellationToken),
                        nameof(UpdateShippedBaselineCodeFix) + workflow),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Solution> RecordAsync(Solution solution, DocumentId baseline, string workflow, string shape, CancellationToken cancellationToken)
    {
        SourceText text = await solution.GetAdditionalDocument(baseline)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return solution.WithAdditionalDocumentText(baseline, SourceText.From(ShippedBaseline.Update(text.ToString(), workflow, shape), text.Encoding));
    }
}
