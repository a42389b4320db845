using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Model;

namespace Workflows.Generators.Reading;

/// <summary>
/// One <c>[Step]</c> method as read: its symbol (for analyzers that need locations), its model when
/// valid, and its problems. Transient: the generator keeps only <see cref="Model"/>.
/// </summary>
internal sealed class StepRead
{
    public StepRead(IMethodSymbol method, StepModel? model, ImmutableArray<StepIssue> issues)
    {
        Method = method;
        Model = model;
        Issues = issues;
    }

    public IMethodSymbol Method { get; }

    public StepModel? Model { get; }

    public ImmutableArray<StepIssue> Issues { get; }
}
