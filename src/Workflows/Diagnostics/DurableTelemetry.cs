using System.Diagnostics;
using System.Diagnostics.Metrics;
using Workflows.Durable;

namespace Workflows.Diagnostics;

/// <summary>
/// Durable runs in the <c>Workflows</c> <see cref="ActivitySource"/> and <see cref="Meter"/>: a span per
/// delivery attempt (the same tags as a step span in memory, plus the delivery), all spans of a run in
/// one trace whose context is stored with the run when it starts, so a run that moves between
/// processes and restarts stays one trace; and counters and histograms of runs, deliveries, claims,
/// commits and leases. Nothing is touched while nothing listens.
/// </summary>
internal static class DurableTelemetry
{
    private const string Host = "durable";

    internal static readonly Counter<long> DeliveriesStarted = WorkflowTelemetry.Meter.CreateCounter<long>("workflows.durable.deliveries.started", "{delivery}", "Durable deliveries whose step started running.");
    internal static readonly Counter<long> DeliveriesEnded = WorkflowTelemetry.Meter.CreateCounter<long>("workflows.durable.deliveries.ended", "{delivery}", "Durable deliveries that ended an execution, by outcome (done, retry, failed, waiting, lease_lost, released).");
    internal static readonly Histogram<double> QueueWait = WorkflowTelemetry.Meter.CreateHistogram<double>("workflows.durable.queue_wait", "s", "Time from a delivery falling due to its claim.");
    internal static readonly Histogram<int> ClaimBatch = WorkflowTelemetry.Meter.CreateHistogram<int>("workflows.durable.claim.batch_size", "{delivery}", "Deliveries taken by one claim.");
    internal static readonly Histogram<double> CommitDuration = WorkflowTelemetry.Meter.CreateHistogram<double>("workflows.durable.commit.duration", "s", "Duration of committing what one delivery did.");
    internal static readonly Counter<long> LeasesLost = WorkflowTelemetry.Meter.CreateCounter<long>("workflows.durable.leases.lost", "{lease}", "Deliveries whose lease was lost while their step ran.");

    /// <summary>
    /// The trace a new run's spans belong to: a "run" span under the caller's current one when something
    /// listens, else the caller's context, else a new trace of its own.
    /// </summary>
    public static string TraceParentOfNewRun(string workflow, string runId)
    {
        if (WorkflowTelemetry.Source.HasListeners())
        {
            using Activity? run = WorkflowTelemetry.Source.StartActivity($"run {workflow}", ActivityKind.Producer);
            if (run is not null)
            {
                run.SetTag("workflow.name", workflow);
                run.SetTag("workflow.run_id", runId);
                run.SetTag("workflow.host", Host);
                return run.Id!;
            }
        }

        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } current })
        {
            return current;
        }

        return $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    }

    /// <summary>A run was started (or timed out, or was cancelled, or ended with a commit).</summary>
    public static void RunStarted(string workflow)
    {
        if (WorkflowTelemetry.RunsStarted.Enabled)
        {
            WorkflowTelemetry.RunsStarted.Add(1, Tag("workflow.name", workflow), Tag("workflow.host", Host));
        }
    }

    public static void RunEnded(string workflow, WorkflowRunStatus status)
    {
        Counter<long> counter = status == WorkflowRunStatus.Completed ? WorkflowTelemetry.RunsCompleted : WorkflowTelemetry.RunsFailed;
        if (counter.Enabled)
        {
            counter.Add(1, Tag("workflow.name", workflow), Tag("workflow.outcome", status.ToString()), Tag("workflow.host", Host));
        }
    }

    /// <summary>A delivery's step starts: its span (a child of the run's stored trace), and the queue wait.</summary>
    public static Activity? DeliveryStarting(ClaimedDelivery claim, string step, Event ev, DateTimeOffset now)
    {
        if (DeliveriesStarted.Enabled)
        {
            DeliveriesStarted.Add(1, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step));
        }

        if (QueueWait.Enabled && claim.AvailableAt is { } due && now > due)
        {
            QueueWait.Record((now - due).TotalSeconds, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step));
        }

        if (!WorkflowTelemetry.Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(claim.Run.TraceParent, null, isRemote: true, out ActivityContext parent);
        Activity? activity = WorkflowTelemetry.Source.StartActivity($"step {step}", ActivityKind.Internal, parent);
        if (activity is not null)
        {
            activity.SetTag("workflow.name", claim.Run.Workflow);
            activity.SetTag("workflow.run_id", claim.Run.RunId);
            activity.SetTag("workflow.step", step);
            activity.SetTag("workflow.event_type", ev.GetType().Name);
            activity.SetTag("workflow.attempt", claim.Attempt);
            activity.SetTag("workflow.delivery_id", claim.DeliveryId);
            activity.SetTag("workflow.host", Host);
        }

        return activity;
    }

    /// <summary>A delivery's execution ended: its span's outcome, the step's duration, the delivery counted.</summary>
    public static void DeliveryEnded(Activity? activity, ClaimedDelivery claim, string step, string outcome, Exception? error, TimeSpan duration)
    {
        if (WorkflowTelemetry.StepDuration.Enabled)
        {
            WorkflowTelemetry.StepDuration.Record(duration.TotalSeconds, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step), Tag("workflow.outcome", outcome), Tag("workflow.host", Host));
        }

        if (DeliveriesEnded.Enabled)
        {
            DeliveriesEnded.Add(1, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step), Tag("workflow.outcome", outcome));
        }

        if (outcome == "retry" && WorkflowTelemetry.Retries.Enabled)
        {
            WorkflowTelemetry.Retries.Add(1, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step), Tag("workflow.host", Host));
        }

        if (outcome == "lease_lost" && LeasesLost.Enabled)
        {
            LeasesLost.Add(1, Tag("workflow.name", claim.Run.Workflow), Tag("workflow.step", step));
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("workflow.outcome", outcome);
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

    public static void Claimed(int count)
    {
        if (ClaimBatch.Enabled)
        {
            ClaimBatch.Record(count);
        }
    }

    public static void Committed(TimeSpan duration)
    {
        if (CommitDuration.Enabled)
        {
            CommitDuration.Record(duration.TotalSeconds);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
