using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>The second half of WF0005's message: what exactly is wrong with the step.</summary>
internal static class StepIssueMessages
{
    private const string Shapes = "a step returns void, Task, ValueTask, an event, a OneOf<…> of events, or a Task or ValueTask of one of those";

    public static string Describe(StepIssue issue) => issue.Kind switch
    {
        StepIssueKind.NotOrdinaryMethod => "is not an ordinary method; [Step] goes on a method of the workflow class",
        StepIssueKind.Generic => "must not be generic; a step handles one concrete event type",
        StepIssueKind.AsyncVoid => "is 'async void', so its exceptions would escape the run; return Task instead",
        StepIssueKind.MissingEvent => "takes no event; its first parameter must be the event it handles",
        StepIssueKind.EventNotAnEvent => $"takes '{issue.Detail}', which is not an Event; its first parameter must be a class derived from Workflows.Event",
        StepIssueKind.UnexpectedParameter => $"has an unexpected parameter of type '{issue.Detail}'; after its event a step takes an optional WorkflowContext, then an optional CancellationToken",
        StepIssueKind.ByRefParameter => $"takes its '{issue.Detail}' parameter by reference; step parameters are passed by value",
        StepIssueKind.UnsupportedReturn => $"returns '{issue.Detail}'; {Shapes}",
        _ => string.Empty,
    };

    /// <summary>The second half of WF0013's message.</summary>
    public static string DescribeAttribute(StepIssue issue) => issue.Kind == StepIssueKind.EmitsNotAnEvent
        ? $"[Emits(typeof({issue.Detail}))]: '{issue.Detail}' is not an Event"
        : $"{issue.Option} = {issue.Detail}; {issue.Option} must be {Rule(issue.Option)}";

    /// <summary>The value a fix puts in place of an invalid option: the nearest valid one.</summary>
    public static string Replacement(string option) => option switch
    {
        "Workers" or "MaxAttempts" or "MaxRecoveries" => "1",
        "Backoff" => "Backoff.Fixed",
        _ => "0",
    };

    private static string Rule(string option) => option switch
    {
        "Workers" or "MaxAttempts" or "MaxRecoveries" => "at least 1",
        "Backoff" => "Backoff.Fixed or Backoff.Exponential",
        _ => "0 or more",
    };
}
