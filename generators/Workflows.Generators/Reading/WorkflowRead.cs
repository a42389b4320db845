using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Model;

namespace Workflows.Generators.Reading;

/// <summary>
/// A <c>[Workflow]</c> class as read: the types that should be partial and are not, every step as
/// read, and the model when every step is valid. Transient: the generator keeps only <see cref="Model"/>.
/// </summary>
internal sealed class WorkflowRead
{
    public WorkflowRead(INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> notPartial, ImmutableArray<StepRead> steps, WorkflowModel? model)
    {
        Type = type;
        NotPartial = notPartial;
        Steps = steps;
        Model = model;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The workflow class or types containing it that lack <c>partial</c>.</summary>
    public ImmutableArray<INamedTypeSymbol> NotPartial { get; }

    public ImmutableArray<StepRead> Steps { get; }

    /// <summary>The workflow's model, when every step signature is valid (whether or not the class is partial).</summary>
    public WorkflowModel? Model { get; }

    /// <summary>Whether the generator can add code: a model, and partial declarations all the way out.</summary>
    public bool CanGenerate => Model is not null && NotPartial.IsEmpty;
}
