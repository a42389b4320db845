namespace Workflows.Generators.Reading;

/// <summary>What can be wrong with one step's declaration, before any graph rule.</summary>
internal enum StepIssueKind
{
    /// <summary>A type in the signature does not resolve; the compiler reports it, we stay quiet.</summary>
    Unresolved,

    /// <summary>Not an ordinary method (a local function, an operator, an accessor…).</summary>
    NotOrdinaryMethod,

    /// <summary>The method has type parameters.</summary>
    Generic,

    /// <summary><c>async void</c>: its exceptions would escape the run.</summary>
    AsyncVoid,

    /// <summary>No parameter at all: the event parameter is missing.</summary>
    MissingEvent,

    /// <summary>The first parameter's type is not an Event.</summary>
    EventNotAnEvent,

    /// <summary>A parameter after the event is not, in order, a WorkflowContext then a CancellationToken.</summary>
    UnexpectedParameter,

    /// <summary>A parameter is passed by reference (<c>ref</c>, <c>out</c>, <c>in</c>).</summary>
    ByRefParameter,

    /// <summary>The return type is not one of the step shapes.</summary>
    UnsupportedReturn,

    /// <summary>An <c>[Emits]</c> type is not an Event.</summary>
    EmitsNotAnEvent,

    /// <summary>A <c>[Step]</c> option is out of range.</summary>
    InvalidOption,

    /// <summary>The step sits in a class that is not a <c>[Workflow]</c>.</summary>
    OutsideWorkflow,
}

/// <summary>One problem of a step's declaration.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Index">The parameter or <c>[Emits]</c> attribute concerned, by position; -1 when none.</param>
/// <param name="Detail">The offending type, or the option's value, as the message shows it.</param>
/// <param name="Option">For <see cref="StepIssueKind.InvalidOption"/>: the option's name (<c>Workers</c>…).</param>
internal readonly record struct StepIssue(StepIssueKind Kind, int Index = -1, string Detail = "", string Option = "");
