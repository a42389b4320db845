using System.Collections.Concurrent;
using Workflows.Diagnostics;

namespace Workflows.Conformance.Tests.Hosts;

/// <summary>Runs a scenario with the generated <c>RunAsync</c>, seeing routing and attempts through an observer.</summary>
internal static class InMemoryHost
{
    public static async Task<Observed> RunAsync(Scenario scenario)
    {
        ScenarioRun run = scenario.NewRun();
        var observer = new Recorder(run);
        using var cancellation = new CancellationTokenSource();
        WorkflowHandler handler = run.RunInMemory(new RunOptions { Observer = observer }, cancellation.Token);
        if (run.CancelWhen is { } cancelWhen)
        {
            _ = cancelWhen().ContinueWith(_ => handler.Cancel(), TaskScheduler.Default);
        }

        var streamed = new List<Event>();
        Task streaming = StreamAsync(handler, run, streamed);
        Outcome outcome;
        try
        {
            await handler.Completion.WaitAsync(Limits.Run);

            // A completed run's stream ends with its StopEvent: the result.
            await streaming.WaitAsync(Limits.Run);
            outcome = Outcome.Completed(streamed[^1]);
        }
        catch (TimeoutException) when (!handler.Completion.IsCompleted)
        {
            handler.Cancel();
            throw new TimeoutException($"Scenario '{scenario.Name}' did not finish in memory within {Limits.Run}.");
        }
        catch (Exception error)
        {
            outcome = Outcome.Of(error);
        }

        await streaming.WaitAsync(Limits.Run);
        return Observed.Create(outcome, streamed, observer.Routed, observer.Attempts, handler.RunId);
    }

    /// <summary>Reads the stream, answering questions as they come; a failed run's stream throws its error, which the handler reports.</summary>
    private static async Task StreamAsync(WorkflowHandler handler, ScenarioRun run, List<Event> streamed)
    {
        try
        {
            await foreach (Event ev in handler.StreamEvents())
            {
                streamed.Add(ev);
                if (ev is InputRequiredEvent question && run.Answer?.Invoke(question) is { } answer)
                {
                    await handler.SendEventAsync(answer);
                }
            }
        }
        catch (Exception)
        {
            // The run's own error ends its stream (the stream may see it a moment before the handler's
            // task does); the outcome is read from the handler, and compared.
        }
    }

    /// <summary>Records the events routed to steps and the attempts of each step.</summary>
    private sealed class Recorder(ScenarioRun run) : WorkflowObserver
    {
        private readonly ConcurrentQueue<Event> _routed = new();
        private readonly ConcurrentQueue<(string, int)> _attempts = new();

        public IEnumerable<Event> Routed => _routed;

        public IEnumerable<(string Step, int Attempts)> Attempts => _attempts;

        public override void EventRouted(WorkflowHandler handler, Event ev, string? producer)
        {
            // The observer sees every event the loop looks at; the suite compares those that went to steps.
            if (run.IsTakenByAStep(ev))
            {
                _routed.Enqueue(ev);
            }
        }

        public override object? StepStarting(WorkflowHandler handler, StepAttempt attempt)
        {
            _attempts.Enqueue((attempt.Step, 1));
            return null;
        }
    }
}
