using System.Diagnostics;

namespace Workflows.Diagnostics;

/// <summary>Turns a run's lifecycle into spans and metrics of <see cref="WorkflowTelemetry"/>.</summary>
internal sealed class TelemetryObserver : WorkflowObserver
{
    public static readonly TelemetryObserver Instance = new();

    public override void RunStarted(WorkflowHandler run)
    {
        WorkflowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("workflow.name", run.WorkflowName));

        // The run's span is the parent of its steps' spans, but never becomes current for the caller of RunAsync.
        Activity? caller = Activity.Current;
        Activity? activity = WorkflowTelemetry.Source.StartActivity($"run {run.WorkflowName}", ActivityKind.Internal);
        Activity.Current = caller;
        if (activity is not null)
        {
            activity.SetTag("workflow.name", run.WorkflowName);
            activity.SetTag("workflow.run_id", run.RunId);
            run.TelemetryActivity = activity;
        }
    }

    public override void EventRouted(WorkflowHandler run, Event ev, string? producer)
    {
        if (WorkflowTelemetry.EventsRouted.Enabled)
        {
            WorkflowTelemetry.EventsRouted.Add(
                1,
                new KeyValuePair<string, object?>("workflow.name", run.WorkflowName),
                new KeyValuePair<string, object?>("workflow.event_type", ev.GetType().Name));
        }
    }

    public override object? StepStarting(WorkflowHandler run, StepAttempt attempt)
    {
        if (attempt.QueueWait > TimeSpan.Zero)
        {
            WorkflowTelemetry.QueueWait.Record(
                attempt.QueueWait.TotalSeconds,
                new KeyValuePair<string, object?>("workflow.name", run.WorkflowName),
                new KeyValuePair<string, object?>("workflow.step", attempt.Step));
        }

        Activity? activity = WorkflowTelemetry.Source.StartActivity(
            $"step {attempt.Step}",
            ActivityKind.Internal,
            run.TelemetryActivity?.Context ?? default(ActivityContext));
        if (activity is not null)
        {
            activity.SetTag("workflow.name", run.WorkflowName);
            activity.SetTag("workflow.run_id", run.RunId);
            activity.SetTag("workflow.step", attempt.Step);
            activity.SetTag("workflow.event_type", attempt.Event.GetType().Name);
            activity.SetTag("workflow.attempt", attempt.Attempt);
        }

        return new StepState(activity, Stopwatch.GetTimestamp());
    }

    public override void StepSucceeded(WorkflowHandler run, StepAttempt attempt, Event? output, object? state)
    {
        var step = (StepState)state!;
        RecordDuration(run, attempt, step, "success");
        if (step.Activity is { } activity)
        {
            activity.SetTag("workflow.outcome", "success");
            activity.SetStatus(ActivityStatusCode.Ok);
            activity.Stop();
        }
    }

    public override void StepFailed(WorkflowHandler run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
        var step = (StepState)state!;
        string outcome = willRetry ? "retry" : "failure";
        RecordDuration(run, attempt, step, outcome);
        if (willRetry)
        {
            WorkflowTelemetry.Retries.Add(
                1,
                new KeyValuePair<string, object?>("workflow.name", run.WorkflowName),
                new KeyValuePair<string, object?>("workflow.step", attempt.Step));
        }

        if (step.Activity is { } activity)
        {
            activity.SetTag("workflow.outcome", outcome);
            activity.AddException(error);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.Stop();
        }
    }

    public override void RunEnded(WorkflowHandler run, WorkflowRunStatus status, Exception? error)
    {
        var workflow = new KeyValuePair<string, object?>("workflow.name", run.WorkflowName);
        var outcome = new KeyValuePair<string, object?>("workflow.outcome", status.ToString());
        if (status == WorkflowRunStatus.Completed)
        {
            WorkflowTelemetry.RunsCompleted.Add(1, workflow, outcome);
        }
        else
        {
            WorkflowTelemetry.RunsFailed.Add(1, workflow, outcome);
        }

        if (run.TelemetryActivity is { } activity)
        {
            activity.SetTag("workflow.outcome", status.ToString());
            if (error is not null)
            {
                activity.AddException(error);
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
            }
            else
            {
                activity.SetStatus(ActivityStatusCode.Ok);
            }

            activity.Stop();
        }
    }

    private static void RecordDuration(WorkflowHandler run, StepAttempt attempt, StepState step, string outcome) =>
        WorkflowTelemetry.StepDuration.Record(
            Stopwatch.GetElapsedTime(step.Started).TotalSeconds,
            new KeyValuePair<string, object?>("workflow.name", run.WorkflowName),
            new KeyValuePair<string, object?>("workflow.step", attempt.Step),
            new KeyValuePair<string, object?>("workflow.outcome", outcome));

    private sealed record StepState(Activity? Activity, long Started);
}
