namespace Workflows.Generators.Model;

/// <summary>A step's <c>[CatchErrors]</c>: the steps it covers (empty for all others) and its recovery budget.</summary>
internal sealed record ErrorHandling(EquatableArray<string> Steps, int MaxRecoveries);
