namespace Workflows.Generators.Graph;

/// <summary>A rule of the workflow graph (WF0001–WF0004, WF0006, WF0008).</summary>
internal enum GraphRule
{
    /// <summary>WF0001: no step consumes a StartEvent.</summary>
    NoStart,

    /// <summary>WF0002: no step produces a StopEvent.</summary>
    NoStop,

    /// <summary>WF0003: an event is consumed but never produced.</summary>
    NeverProduced,

    /// <summary>WF0004: an event is produced but never consumed.</summary>
    NeverConsumed,

    /// <summary>WF0006: a second, unrelated StartEvent type.</summary>
    SecondStart,

    /// <summary>WF0006: a second, unrelated StopEvent type.</summary>
    SecondStop,

    /// <summary>WF0008: a step consumes a StopEvent.</summary>
    ConsumesStop,

    /// <summary>WF0009: no event can reach the step from the StartEvent or from outside.</summary>
    Unreachable,

    /// <summary>WF0010 (warning): nothing the step produces can lead to the StopEvent or an InputRequiredEvent.</summary>
    NeverFinishes,

    /// <summary>WF0014: a second step with the same name.</summary>
    DuplicateName,

    /// <summary>WF0017: [CatchErrors] names a step the workflow does not have (at <see cref="GraphProblem.SiteIndex"/>).</summary>
    CatchesUnknownStep,

    /// <summary>WF0017: [CatchErrors] names the handler itself.</summary>
    CatchesItself,

    /// <summary>WF0017: a step with [CatchErrors] does not take a StepFailedEvent.</summary>
    CatchesWithoutFailureEvent,

    /// <summary>WF0017: a step takes a StepFailedEvent but has no [CatchErrors].</summary>
    FailureEventWithoutCatch,

    /// <summary>WF0018: a step is covered by a second error handler.</summary>
    CatchesOverlap,

    /// <summary>WF0028: a join (a step taking <c>IReadOnlyList&lt;T&gt;</c>) can be given an item that descends from no fan-out (<see cref="GraphProblem.OtherStep"/> produced it; empty: the caller).</summary>
    JoinWithoutFanOut,
}

/// <summary>Where in a step an event appears, so an analyzer can point at it.</summary>
internal enum EventSite
{
    /// <summary>The step's event parameter.</summary>
    Parameter,

    /// <summary>The step's return type, at <see cref="GraphProblem.SiteIndex"/> among its returned events.</summary>
    Return,

    /// <summary>The step's <c>[Emits]</c> attribute number <see cref="GraphProblem.SiteIndex"/>.</summary>
    Emits,

    /// <summary>The step's <c>[CatchErrors]</c>: its argument number <see cref="GraphProblem.SiteIndex"/>, or the whole attribute when -1.</summary>
    CatchErrors,
}

/// <summary>One broken graph rule. Index fields refer to the model's steps and their events.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Step">The step concerned, or -1 for the workflow as a whole.</param>
/// <param name="Site">Where in the step.</param>
/// <param name="SiteIndex">Which returned or emitted event.</param>
/// <param name="EventName">The event's display name.</param>
/// <param name="OtherStep">For WF0006: the step holding the first Start/Stop type. For WF0009: the StartEvent's name.</param>
/// <param name="OtherEvent">For WF0006: the first Start/Stop type.</param>
internal readonly record struct GraphProblem(
    GraphRule Rule,
    int Step = -1,
    EventSite Site = EventSite.Parameter,
    int SiteIndex = 0,
    string EventName = "",
    string OtherStep = "",
    string OtherEvent = "");
