namespace Workflows.Testing;

/// <summary>A finished test run: its StopEvent and everything it did.</summary>
/// <typeparam name="TStop">The workflow's StopEvent type.</typeparam>
public sealed class WorkflowTestResult<TStop>
    where TStop : StopEvent
{
    internal WorkflowTestResult(TStop result, WorkflowHandler<TStop> handler, WorkflowRecorder recorder)
    {
        Result = result;
        Handler = handler;
        Recorder = recorder;
    }

    /// <summary>The StopEvent.</summary>
    public TStop Result { get; }

    /// <summary>The run's handler.</summary>
    public WorkflowHandler<TStop> Handler { get; }

    /// <summary>Everything recorded (this run and its sub-workflows).</summary>
    public WorkflowRecorder Recorder { get; }

    /// <summary>The events routed to steps, in order.</summary>
    public IReadOnlyList<Event> Routed => Recorder.Routed;

    /// <summary>The events written to streams, in order (the StopEvent last).</summary>
    public IReadOnlyList<Event> Streamed => Recorder.Streamed;

    /// <summary>Fails unless <paramref name="step"/> was invoked exactly <paramref name="times"/> times (retries not counted).</summary>
    /// <param name="step">The step's name.</param>
    /// <param name="times">The expected count.</param>
    /// <returns>This result, for chaining.</returns>
    public WorkflowTestResult<TStop> AssertRan(string step, int times = 1)
    {
        int actual = Recorder.Invocations(step);
        if (actual != times)
        {
            throw new WorkflowAssertionException(
                $"Step '{step}' ran {actual} time(s), expected {times}. Steps that ran: {Describe()}.");
        }

        return this;
    }

    /// <summary>Fails unless <paramref name="step"/> made exactly <paramref name="attempts"/> attempts in all.</summary>
    /// <param name="step">The step's name.</param>
    /// <param name="attempts">The expected count, retries included.</param>
    /// <returns>This result, for chaining.</returns>
    public WorkflowTestResult<TStop> AssertAttempts(string step, int attempts)
    {
        int actual = Recorder.AttemptsOf(step);
        if (actual != attempts)
        {
            throw new WorkflowAssertionException($"Step '{step}' made {actual} attempt(s), expected {attempts}. Steps that ran: {Describe()}.");
        }

        return this;
    }

    /// <summary>Fails if <paramref name="step"/> ran at all.</summary>
    /// <param name="step">The step's name.</param>
    /// <returns>This result, for chaining.</returns>
    public WorkflowTestResult<TStop> AssertDidNotRun(string step) => AssertRan(step, 0);

    /// <summary>Fails unless the routed events, in order, are of exactly these types.</summary>
    /// <param name="types">The expected event types, in order.</param>
    /// <returns>This result, for chaining.</returns>
    public WorkflowTestResult<TStop> AssertRoutedInOrder(params Type[] types)
    {
        string[] expected = [.. types.Select(t => t.Name)];
        string[] actual = [.. Routed.Select(e => e.GetType().Name)];
        if (!expected.SequenceEqual(actual))
        {
            throw new WorkflowAssertionException($"Routed events were [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}].");
        }

        return this;
    }

    private string Describe()
    {
        var counts = Recorder.Attempts.Where(a => a.Attempt == 1).GroupBy(a => a.Step).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        return counts.Count == 0 ? "none" : string.Join(", ", counts);
    }
}
