using System.Collections.Concurrent;
using Workflows.Diagnostics;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>A DurableObserver sees durable runs as a WorkflowObserver sees runs in memory, and one that throws harms nothing. On each store.</summary>
public abstract class ObserverContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task An_observer_sees_the_run_start_its_events_its_step_attempts_and_its_end()
    {
        var observer = new Recorder();
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(OneSlot(observer));

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new AgentReply("restart it"));
        await runtime.WaitForResultAsync<Answered>(run.RunId).WaitAsync(TempStore.Limit);
        await observer.WaitForAsync(run.RunId, "ended Completed");

        AssertObserved(
        [
            "started SupportFlow",
            "routed Ticket from outside",
            "starting Ask on Ticket #1",
            "succeeded Ask -> NeedsAgent",
            "streamed NeedsAgent",
            "routed AgentReply from outside",
            "starting Reply on AgentReply #1",
            "succeeded Reply -> Answered",
            "streamed Answered",
            "ended Completed",
        ],
        observer.Of(run.RunId));
    }

    [Fact]
    public async Task An_observer_sees_failed_attempts_the_retry_decision_and_the_handler_taking_over()
    {
        var observer = new Recorder();
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(OneSlot(observer));

        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(5));
        await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit);
        await observer.WaitForAsync(run.RunId, "ended Completed");

        AssertObserved(
        [
            "started FlakyFlow",
            "routed Flaky from outside",
            "starting Work on Flaky #1",
            "failed Work #1 TimeoutException, will retry",
            "starting Work on Flaky #2",
            "failed Work #2 TimeoutException, will retry",
            "starting Work on Flaky #3",
            "failed Work #3 TimeoutException, will not retry",
            "routed StepFailedEvent from Work",
            "starting Fallback on StepFailedEvent #1",
            "succeeded Fallback -> FlakyDone",
            "streamed FlakyDone",
            "ended Completed",
        ],
        observer.Of(run.RunId));
    }

    [Fact]
    public async Task An_observer_sees_a_stalled_run_end_as_failed_and_a_cancelled_one_as_cancelled()
    {
        var observer = new Recorder();
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(OneSlot(observer));

        RunRecord quiet = await runtime.StartRunAsync<QuietFlow>(new Nudge("n"));
        await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<Done>(quiet.RunId).WaitAsync(TempStore.Limit));
        await observer.WaitForAsync(quiet.RunId, "ended Failed");
        Assert.Contains("ended Failed", observer.Of(quiet.RunId));
        Assert.Contains(nameof(WorkflowStalledException), observer.Failure(quiet.RunId)!.ExceptionType, StringComparison.Ordinal);

        RunRecord support = await runtime.StartRunAsync<SupportFlow>(new Ticket("fax"));
        await DurableRunTests.WaitForStatusAsync(runtime, support.RunId, WorkflowRunStatus.WaitingForInput);
        Assert.True(await runtime.CancelAsync(support.RunId));
        Assert.Equal("ended Cancelled", observer.Of(support.RunId)[^1]);
    }

    [Fact]
    public async Task An_observer_that_throws_is_logged_and_the_run_completes_as_if_it_had_returned()
    {
        var logs = new LogRecorder();
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(o =>
        {
            o.Observer = new Throwing();
            o.LoggerFactory = logs;
        });

        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(1));
        FlakyDone done = await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(new FlakyDone(2, "worked"), done);
        Assert.Contains(logs.Of(130), e => e.Message.Contains("Throwing threw in StepStarting", StringComparison.Ordinal) && e.Error is InvalidOperationException);
        Assert.Contains(logs.Of(130), e => e.Message.Contains("Throwing threw in StepFailed", StringComparison.Ordinal));
        await WaitUntilAsync(() => logs.Of(130).Any(e => e.Message.Contains("in RunEnded", StringComparison.Ordinal)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(10);
        }
    }

    /// <summary>Writes down what it sees, per run.</summary>
    /// <summary>
    /// One delivery at a time: an event is reported after its commit, so with more slots the step it
    /// reaches may start on another slot before the routing is reported. One slot gives the total order
    /// these tests check; the order of events across slots is the journal's.
    /// </summary>
    /// <summary>
    /// What one slot sees, in order — except the run's start and its StartEvent (the first two expected), which
    /// are reported after the start's commit and so may come once its first step is starting: they come in their order.
    /// </summary>
    private static void AssertObserved(string[] expected, IReadOnlyList<string> seen)
    {
        string[] start = expected[..2];
        Assert.Equal(expected[2..], seen.Where(entry => !start.Contains(entry)));
        Assert.Equal(start, seen.Where(start.Contains));
    }

    private static Action<WorkflowRuntimeOptions> OneSlot(DurableObserver observer) => o =>
    {
        o.Observer = observer;
        o.MaxConcurrentDeliveries = 1;
    };

    private sealed class Recorder : DurableObserver
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _seen = new();
        private readonly ConcurrentDictionary<string, RunFailure?> _failures = new();

        public IReadOnlyList<string> Of(string runId) => _seen.TryGetValue(runId, out ConcurrentQueue<string>? seen) ? [.. seen] : [];

        public RunFailure? Failure(string runId) => _failures.GetValueOrDefault(runId);

        public async Task WaitForAsync(string runId, string entry)
        {
            DateTime deadline = DateTime.UtcNow + TempStore.Limit;
            while (!Of(runId).Contains(entry) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        public override void RunStarted(RunRecord run) => Add(run, $"started {run.Workflow}");

        public override void EventRouted(RunRecord run, Event ev, string? producer) => Add(run, $"routed {ev.GetType().Name} from {producer ?? "outside"}");

        public override void EventStreamed(RunRecord run, Event ev) => Add(run, $"streamed {ev.GetType().Name}");

        public override object? StepStarting(RunRecord run, StepAttempt attempt)
        {
            Add(run, $"starting {attempt.Step} on {attempt.Event.GetType().Name} #{attempt.Attempt}");
            return attempt.Attempt;
        }

        public override void StepSucceeded(RunRecord run, StepAttempt attempt, Event? output, object? state)
        {
            Assert.Equal(attempt.Attempt, state);
            Add(run, $"succeeded {attempt.Step} -> {output?.GetType().Name ?? "nothing"}");
        }

        public override void StepFailed(RunRecord run, StepAttempt attempt, Exception error, bool willRetry, object? state)
        {
            Assert.Equal(attempt.Attempt, state);
            Add(run, $"failed {attempt.Step} #{attempt.Attempt} {error.GetType().Name}, {(willRetry ? "will retry" : "will not retry")}");
        }

        public override void StepWaiting(RunRecord run, StepAttempt attempt, string waitingFor, object? state) => Add(run, $"waiting {attempt.Step} for {waitingFor}");

        public override void RunEnded(RunRecord run, WorkflowRunStatus status, RunFailure? failure)
        {
            _failures[run.RunId] = failure;
            Add(run, $"ended {status}");
        }

        private void Add(RunRecord run, string entry) => _seen.GetOrAdd(run.RunId, _ => new ConcurrentQueue<string>()).Enqueue(entry);
    }

    private sealed class Throwing : DurableObserver
    {
        public override object? StepStarting(RunRecord run, StepAttempt attempt) => throw new InvalidOperationException("observer bug");

        public override void StepFailed(RunRecord run, StepAttempt attempt, Exception error, bool willRetry, object? state) => throw new InvalidOperationException("observer bug");

        public override void RunEnded(RunRecord run, WorkflowRunStatus status, RunFailure? failure) => throw new InvalidOperationException("observer bug");
    }
}

public sealed class SqliteObserverTests : ObserverContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresObserverTests(PostgresServer server) : ObserverContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
