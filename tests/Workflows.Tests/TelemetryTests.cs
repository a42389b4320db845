using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Workflows.Diagnostics;
using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

/// <summary>
/// Spans and metrics of the "Workflows" source and meter. Spans carry the run id, so each test keeps
/// its own; metrics carry only the workflow's name, and other test classes run the same workflows, so
/// these tests run alone (a CI run once counted another test's retry of BackoffFlow here).
/// </summary>
[Collection(TelemetryTests.Alone)]
public class TelemetryTests
{
    public const string Alone = "Telemetry, run alone";

    [Fact]
    public async Task A_run_has_a_span_with_a_child_span_per_step_attempt_and_records_exceptions()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        RetryFlow flow = new();
        WorkflowHandler<Recovered> handler = flow.RunAsync(new Attempt(1));
        await Within.Seconds(handler.Result);

        List<Activity> mine = [.. spans.Where(s => (string?)s.GetTagItem("workflow.run_id") == handler.RunId)];
        Activity run = Assert.Single(mine, s => s.DisplayName == "run RetryFlow");
        Assert.Equal("Completed", run.GetTagItem("workflow.outcome"));
        List<Activity> steps = [.. mine.Where(s => s.DisplayName == "step Flaky").OrderBy(s => (int)s.GetTagItem("workflow.attempt")!)];
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.Equal("retry", steps[0].GetTagItem("workflow.outcome"));
        Assert.Equal(ActivityStatusCode.Error, steps[0].Status);
        Assert.Contains(steps[0].Events, e => e.Name == "exception");
        Assert.Equal("success", steps[1].GetTagItem("workflow.outcome"));
        Assert.Equal("Attempt", steps[1].GetTagItem("workflow.event_type"));
    }

    [Fact]
    public async Task The_meter_counts_runs_retries_events_and_times_steps()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Workflow)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkflowTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Workflow(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Workflow(tags))));
        listener.Start();

        await Within.Seconds(new BackoffFlow().RunAsync(new Attempt(0), new RunOptions { TimeProvider = new ImmediateClock() }).Result.ContinueWith(_ => { }, TaskScheduler.Default));

        var mine = measurements.Where(m => m.Workflow == "BackoffFlow").ToList();
        Assert.Contains(mine, m => m.Instrument == "workflows.runs.started");
        Assert.Contains(mine, m => m.Instrument == "workflows.runs.failed");
        Assert.Equal(3, mine.Count(m => m.Instrument == "workflows.step.retries"));
        Assert.Equal(4, mine.Count(m => m.Instrument == "workflows.step.duration"));
        Assert.Contains(mine, m => m.Instrument == "workflows.events.routed");
    }

    private static string? Workflow(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "workflow.name")
            {
                return (string?)tag.Value;
            }
        }

        return null;
    }

    /// <summary>A clock whose timers fire at once: retry delays take no time.</summary>
    private sealed class ImmediateClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, period);
    }
}

/// <summary>Tests whose process-wide listeners must not see runs of other tests: run after the parallel ones, one at a time.</summary>
[CollectionDefinition(TelemetryTests.Alone, DisableParallelization = true)]
public sealed class TelemetryCollection;
