namespace Workflows.Diagnostics;

/// <summary>Two observers as one, each keeping its own step state.</summary>
internal sealed class CompositeObserver(WorkflowObserver first, WorkflowObserver second) : WorkflowObserver
{
    public static WorkflowObserver? Combine(WorkflowObserver? first, WorkflowObserver? second) =>
        first is null ? second : second is null ? first : new CompositeObserver(first, second);

    public override void RunStarted(WorkflowHandler run)
    {
        first.RunStarted(run);
        second.RunStarted(run);
    }

    public override void EventRouted(WorkflowHandler run, Event ev, string? producer)
    {
        first.EventRouted(run, ev, producer);
        second.EventRouted(run, ev, producer);
    }

    public override void EventStreamed(WorkflowHandler run, Event ev)
    {
        first.EventStreamed(run, ev);
        second.EventStreamed(run, ev);
    }

    public override object? StepStarting(WorkflowHandler run, StepAttempt attempt) =>
        new States(first.StepStarting(run, attempt), second.StepStarting(run, attempt));

    public override void StepSucceeded(WorkflowHandler run, StepAttempt attempt, Event? output, object? state)
    {
        var states = (States)state!;
        first.StepSucceeded(run, attempt, output, states.First);
        second.StepSucceeded(run, attempt, output, states.Second);
    }

    public override void StepFailed(WorkflowHandler run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
        var states = (States)state!;
        first.StepFailed(run, attempt, error, willRetry, states.First);
        second.StepFailed(run, attempt, error, willRetry, states.Second);
    }

    public override void RunEnded(WorkflowHandler run, WorkflowRunStatus status, Exception? error)
    {
        first.RunEnded(run, status, error);
        second.RunEnded(run, status, error);
    }

    private sealed record States(object? First, object? Second);
}
