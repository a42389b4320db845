using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers;

/// <summary>Every diagnostic Workflows reports. Each links to its section of the README.</summary>
internal static class Descriptors
{
    public const string Category = "Workflows";

    /// <summary>Where the README explains each rule; the id, lower-cased, is the anchor.</summary>
    public const string HelpLinkBase = "https://github.com/workflows-dotnet/workflows/blob/main/README.md#";

    public static readonly DiagnosticDescriptor NoStart = Error(
        "WF0001",
        "No step consumes a StartEvent",
        "Workflow '{0}' has no step that consumes a StartEvent; add a step whose first parameter derives from StartEvent");

    public static readonly DiagnosticDescriptor NoStop = Error(
        "WF0002",
        "No step produces a StopEvent",
        "Workflow '{0}' has no step that produces a StopEvent; return an event that derives from StopEvent from one of its steps");

    public static readonly DiagnosticDescriptor NeverProduced = Error(
        "WF0003",
        "An event is consumed but never produced",
        "'{0}' consumes '{1}', but no step produces it");

    public static readonly DiagnosticDescriptor NeverConsumed = Error(
        "WF0004",
        "An event is produced but never consumed",
        "'{0}' produces '{1}', but no step consumes it");

    public static readonly DiagnosticDescriptor BadSignature = Error(
        "WF0005",
        "A step's signature is not a step shape",
        "Step '{0}' {1}");

    public static readonly DiagnosticDescriptor SecondStartOrStop = Error(
        "WF0006",
        "More than one StartEvent or StopEvent type",
        "Workflow '{0}' has more than one {1} type: '{2}' {3} '{4}', while '{5}' {3} '{6}'");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "WF0007",
        "A workflow class must be partial and hold the steps",
        "{0}");

    public static readonly DiagnosticDescriptor ConsumesStop = Error(
        "WF0008",
        "A step consumes a StopEvent",
        "'{0}' consumes StopEvent '{1}', but a run ends when its StopEvent is produced, so no step ever receives it");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
