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
    public WorkflowRead(INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> notPartial, ImmutableArray<StepRead> steps, WorkflowModel? model, WorkflowModel? validStepsModel = null)
    {
        Type = type;
        NotPartial = notPartial;
        Steps = steps;
        Model = model;
        ValidStepsModel = validStepsModel;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The workflow class or types containing it that lack <c>partial</c>.</summary>
    public ImmutableArray<INamedTypeSymbol> NotPartial { get; }

    public ImmutableArray<StepRead> Steps { get; }

    /// <summary>The workflow's model, when every step signature is valid (whether or not the class is partial).</summary>
    public WorkflowModel? Model { get; }

    /// <summary>
    /// When a step signature is invalid (WF0005): a model of the valid steps only, which can never get
    /// real code, only stand-in members whose signatures come from the steps that are valid.
    /// </summary>
    public WorkflowModel? ValidStepsModel { get; }

    /// <summary>Whether the generator can add code: a model, and partial declarations all the way out.</summary>
    public bool CanGenerate => Model is not null && NotPartial.IsEmpty;
}
