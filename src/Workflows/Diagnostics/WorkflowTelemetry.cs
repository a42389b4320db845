using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Workflows.Diagnostics;

/// <summary>
/// The "Workflows" <see cref="ActivitySource"/> and <see cref="Meter"/>: a span per run and per step
/// attempt, and counters and histograms of runs, steps, retries and events. Subscribe with
/// OpenTelemetry (<c>AddSource("Workflows")</c>, <c>AddMeter("Workflows")</c>) or any listener.
/// When nothing listens, runs do not touch them at all.
/// </summary>
public static class WorkflowTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>Workflows</c>.</summary>
    public const string Name = "Workflows";

    /// <summary>The prefix of the span tag a step's <c>ctx.SetTag(key, value)</c> records: <c>workflow.tag.</c> then the key.</summary>
    internal const string TagPrefix = "workflow.tag.";

    internal static readonly ActivitySource Source = new(Name, typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString());
    internal static readonly Meter Meter = new(Name, typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("workflows.runs.started", "{run}", "Runs started.");
    internal static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>("workflows.runs.completed", "{run}", "Runs that produced their StopEvent.");
    internal static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>("workflows.runs.failed", "{run}", "Runs that failed, timed out or were cancelled.");
    internal static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("workflows.step.duration", "s", "Duration of one step attempt.");
    internal static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("workflows.step.queue_wait", "s", "Time an event waited for a free worker of its step.");
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>("workflows.step.retries", "{retry}", "Step attempts that failed and will be retried.");
    internal static readonly Counter<long> EventsRouted = Meter.CreateCounter<long>("workflows.events.routed", "{event}", "Events routed to steps.");
    internal static readonly Counter<long> StreamDropped = Meter.CreateCounter<long>("workflows.stream.dropped", "{event}", "Events dropped from the stream of a run nobody was streaming yet, to keep it within RunOptions.StreamCapacity.");

    /// <summary>Whether anything listens to the source or the meter: checked once per run.</summary>
    internal static bool IsListening =>
        Source.HasListeners() || RunsStarted.Enabled || RunsCompleted.Enabled || RunsFailed.Enabled ||
        StepDuration.Enabled || QueueWait.Enabled || Retries.Enabled || EventsRouted.Enabled;

    /// <summary>The observer that feeds the source and the meter, for runs started while something listens.</summary>
    internal static WorkflowObserver? ObserverIfListening => IsListening ? TelemetryObserver.Instance : null;
}
