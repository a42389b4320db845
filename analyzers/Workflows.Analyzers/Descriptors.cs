using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers;

/// <summary>Every diagnostic Workflows reports. Each links to its section of the README.</summary>
internal static class Descriptors
{
    public const string Category = "Workflows";

    /// <summary>Where the README explains each rule; the id, lower-cased, is the anchor.</summary>
    public const string HelpLinkBase = ProjectHome.Url + "/blob/main/README.md#";

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

    public static readonly DiagnosticDescriptor Unreachable = Error(
        "WF0009",
        "A step can never run",
        "'{0}' can never run: no event reaches its '{1}' from the StartEvent '{2}' or from outside");

    public static readonly DiagnosticDescriptor NeverFinishes = Create(
        "WF0010",
        "A step's events can never lead to the end of the run",
        "Nothing '{0}' produces can lead to the StopEvent or to an InputRequiredEvent, so a run that reaches it can never finish",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UndeclaredSend = Error(
        "WF0011",
        "ctx.Send of an event the step does not declare",
        "'{0}' sends '{1}' {2} but does not declare it; add [Emits(typeof({1}))]");

    public static readonly DiagnosticDescriptor UnusedEmits = Create(
        "WF0012",
        "[Emits] of an event the step never sends",
        "'{0}' declares [Emits(typeof({1}))] but never sends a '{1}'",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor InvalidAttribute = Error(
        "WF0013",
        "An attribute value is invalid",
        "'{0}' has an invalid attribute value: {1}");

    public static readonly DiagnosticDescriptor DuplicateName = Error(
        "WF0014",
        "Two steps share a name",
        "Workflow '{0}' has two steps named '{1}' (taking '{2}' and '{3}'); a step's name identifies it in the graph, in errors and in traces, so rename one");

    public static readonly DiagnosticDescriptor UnproducedWait = Error(
        "WF0015",
        "A step waits for an event that can never arrive",
        "'{0}' {1} '{2}', but no step produces it and it cannot come from outside");

    public static readonly DiagnosticDescriptor BlockingCall = Create(
        "WF0016",
        "A step blocks a thread",
        "'{0}' blocks a thread with {1}; await instead, so the run's other steps and the thread pool keep going",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidErrorHandler = Error(
        "WF0017",
        "An error handler does not fit the workflow",
        "{0}");

    public static readonly DiagnosticDescriptor OverlappingErrorHandlers = Error(
        "WF0018",
        "Two error handlers cover one step",
        "'{0}' is covered by two error handlers: '{1}' and '{2}'; each step's failures go to one handler");

    public static readonly DiagnosticDescriptor UnserializableEvent = Error(
        "WF0019",
        "A durable workflow's event is missing from its JSON context",
        "'{0}' cannot serialize '{1}', an event of durable workflow '{2}'; add [JsonSerializable(typeof({1}))] to it");

    public static readonly DiagnosticDescriptor RepeatedBeforeWait = Create(
        "WF0020",
        "A durable step does something before ctx.WaitForAsync that happens again when the answer arrives",
        "'{0}' {1} before ctx.WaitForAsync; workflow '{2}' is durable, so the step runs again from its start when the answer arrives and {3}. {4}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnserializableValue = Create(
        "WF0021",
        "A durable step keeps, records or waits for a type its JSON context does not cover",
        "'{0}' {1} a '{2}', which '{3}' cannot serialize; workflow '{4}' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof({2}))] to '{3}'.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StateKeyType = Create(
        "WF0022",
        "A ctx.Store key is written with one type and read with another",
        "'{0}' reads ctx.Store key '{1}' as '{2}', but '{3}' writes it as '{4}'; reading it throws. Read it as '{4}', or use another key.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RepeatedOnceKey = Create(
        "WF0023",
        "A step uses one ctx.OnceAsync key for more than one piece of work",
        "'{0}' calls ctx.OnceAsync with the key '{1}' {2}; a key names one piece of work in the step, and a durable run fails the step when the key comes again. Give each call its own key{3}.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ShapeBreak = Error(
        "WF0024",
        "A change to a durable workflow strands or misreads its stored runs",
        "Durable workflow '{0}' {1} since Workflows.Shipped.txt; runs stored under the shipped shape would be stranded or misread. Keep it as shipped (add a step or a member instead), or, if no run of '{0}' is in flight, update Workflows.Shipped.txt.");

    public static readonly DiagnosticDescriptor ShapeAddition = Create(
        "WF0025",
        "A durable workflow changed in a way its stored runs read fine",
        "Durable workflow '{0}' {1}; {2}",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor ShippedWorkflowGone = new(
        "WF0026",
        "Workflows.Shipped.txt lists a durable workflow this build no longer has",
        "Workflows.Shipped.txt lists durable workflow '{0}', but no [Workflow] class of this name and version is left; its stored runs would be stranded. Keep a class of it ({1}) until its runs finish, or remove its lines from Workflows.Shipped.txt.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + "wf0026",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor DuplicateVersion = Error(
        "WF0027",
        "Two workflow classes share a name and version",
        "'{0}' is workflow '{1}' version {2}, like '{3}'; durable runs are stored under a workflow's name and version, so each pair must be unique. Give '{0}' another Version, or another Name.");

    public static readonly DiagnosticDescriptor JoinWithoutFanOut = Error(
        "WF0028",
        "A join has no fan-out upstream",
        "'{0}' joins the '{1}' items of one fan-out, but a '{1}' {2} reaches it outside any fan-out: no step before it returns a list. Return IReadOnlyList<...> from a step upstream, or take a single '{1}'.");

    private static DiagnosticDescriptor Error(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
