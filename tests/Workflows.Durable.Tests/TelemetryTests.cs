using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Workflows.Diagnostics;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>Durable runs in the Workflows ActivitySource and Meter: one trace per run across restarts, and the durable instruments. On each store.</summary>
public abstract class TelemetryContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task Every_delivery_of_a_run_is_a_span_in_the_caller_s_trace_across_a_restart()
    {
        using var spans = new SpanRecorder();
        using TempStore store = await NewStoreAsync();
        using var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        string runId;
        await using (WorkflowRuntime first = await store.StartRuntimeAsync())
        {
            runId = (await first.StartRunAsync<SupportFlow>(new Ticket("printer"))).RunId;
            await DurableRunTests.WaitForStatusAsync(first, runId, WorkflowRunStatus.WaitingForInput);
        }

        caller.Stop();
        Activity.Current = null;

        // A new runtime (a restarted process, with no trace of its own) runs the rest of the run.
        await using (WorkflowRuntime second = await store.StartRuntimeAsync())
        {
            await second.SendEventAsync(runId, new AgentReply("restart it"));
            await second.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit);
        }

        List<Activity> steps = [.. spans.Of(runId).Where(a => a.OperationName.StartsWith("step ", StringComparison.Ordinal))];
        Assert.Equal(["step Ask", "step Reply"], steps.Select(a => a.OperationName));
        Assert.All(steps, step => Assert.Equal(caller.TraceId, step.TraceId));
        Assert.All(steps, step => Assert.Equal("success", step.GetTagItem("workflow.outcome")));
        Assert.Equal(["SupportFlow"], steps.Select(a => a.GetTagItem("workflow.name")).Distinct());
        Activity run = Assert.Single(spans.Of(runId), a => a.OperationName == "run SupportFlow");
        Assert.All(steps, step => Assert.Equal(run.SpanId, step.ParentSpanId));
    }

    [Fact]
    public async Task The_meter_records_durable_runs_deliveries_claims_commits_and_lost_leases()
    {
        using var meters = new MeterRecorder();
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync(o => o.Lease = TimeSpan.FromMilliseconds(900));
        await using WorkflowRuntime other = await store.StartRuntimeAsync(o => o.RunWorkers = false);

        RunRecord flaky = await worker.StartRunAsync<FlakyFlow>(new Flaky(1));
        await worker.WaitForResultAsync<FlakyDone>(flaky.RunId).WaitAsync(TempStore.Limit);

        // Another runtime ends a run whose step runs here: this worker learns it at its next renewal.
        string id = Guid.NewGuid().ToString("N");
        RunRecord hung = await worker.StartRunAsync<HangFlow>(new Hang(id));
        // The step must be running (not only claimed) when the run ends, or there is nothing to cancel.
        await HangFlow.Signal(HangFlow.Started, id).Task.WaitAsync(TempStore.Limit);
        await other.CancelAsync(hung.RunId);
        await HangFlow.Signal(HangFlow.Cancelled, id).Task.WaitAsync(TempStore.Limit);
        await meters.WaitForAsync("workflows.durable.leases.lost");

        foreach (string instrument in new[]
        {
            "workflows.runs.started", "workflows.runs.completed", "workflows.runs.failed", "workflows.step.duration", "workflows.step.retries",
            "workflows.durable.deliveries.started", "workflows.durable.deliveries.ended", "workflows.durable.queue_wait",
            "workflows.durable.claim.batch_size", "workflows.durable.commit.duration", "workflows.durable.leases.lost",
        })
        {
            Assert.True(meters.Recorded(instrument), $"Nothing was recorded on {instrument}.");
        }
    }

    /// <summary>Keeps the Workflows spans that end while it listens.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == WorkflowTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IEnumerable<Activity> Of(string runId) => _stopped.Where(a => (string?)a.GetTagItem("workflow.run_id") == runId);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Notes which Workflows instruments recorded something while it listens.</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly ConcurrentDictionary<string, int> _recorded = new();
        private readonly MeterListener _listener = new();

        public MeterRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WorkflowTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => _recorded.TryAdd(instrument.Name, 0));
            _listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => _recorded.TryAdd(instrument.Name, 0));
            _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => _recorded.TryAdd(instrument.Name, 0));
            _listener.Start();
        }

        public bool Recorded(string instrument) => _recorded.ContainsKey(instrument);

        public async Task WaitForAsync(string instrument)
        {
            DateTime deadline = DateTime.UtcNow + TempStore.Limit;
            while (!Recorded(instrument) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

public sealed class SqliteTelemetryTests : TelemetryContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTelemetryTests(PostgresServer server) : TelemetryContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
