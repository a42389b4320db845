using Workflows.Diagnostics;

namespace Workflows.Testing;

/// <summary>
/// Records everything runs do, in order: events routed and streamed, step attempts and their
/// outcomes. Give it to a run as <see cref="RunOptions.Observer"/>; sub-workflows are recorded too.
/// </summary>
public sealed class WorkflowRecorder : WorkflowObserver
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _events = [];
    private readonly List<RecordedAttempt> _attempts = [];
    private long _lastActivity = Environment.TickCount64;

    /// <summary>Every event routed or streamed, in order.</summary>
    public IReadOnlyList<RecordedEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Every step attempt, in the order they started.</summary>
    public IReadOnlyList<RecordedAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>The events routed to steps, in order.</summary>
    public IReadOnlyList<Event> Routed => [.. Events.Where(e => e.Kind == RecordedEventKind.Routed).Select(e => e.Event)];

    /// <summary>The events written to streams, in order.</summary>
    public IReadOnlyList<Event> Streamed => [.. Events.Where(e => e.Kind == RecordedEventKind.Streamed).Select(e => e.Event)];

    /// <summary>How long since anything was recorded, in real time.</summary>
    internal TimeSpan Quiet => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastActivity));

    /// <summary>How many times <paramref name="step"/> was invoked (first attempts; retries not counted).</summary>
    /// <param name="step">The step's name.</param>
    /// <returns>The count.</returns>
    public int Invocations(string step) => Attempts.Count(a => a.Step == step && a.Attempt == 1);

    /// <summary>How many attempts <paramref name="step"/> made, retries included.</summary>
    /// <param name="step">The step's name.</param>
    /// <returns>The count.</returns>
    public int AttemptsOf(string step) => Attempts.Count(a => a.Step == step);

    /// <inheritdoc/>
    public override void EventRouted(WorkflowHandler run, Event ev, string? producer) =>
        Add(new RecordedEvent(run.RunId, run.WorkflowName, RecordedEventKind.Routed, ev, producer));

    /// <inheritdoc/>
    public override void EventStreamed(WorkflowHandler run, Event ev) =>
        Add(new RecordedEvent(run.RunId, run.WorkflowName, RecordedEventKind.Streamed, ev, null));

    /// <inheritdoc/>
    public override object? StepStarting(WorkflowHandler run, StepAttempt attempt)
    {
        var recorded = new RecordedAttempt(run.RunId, run.WorkflowName, attempt.Step, attempt.Event, attempt.Attempt);
        lock (_lock)
        {
            _attempts.Add(recorded);
        }

        Touch();
        return recorded;
    }

    /// <inheritdoc/>
    public override void StepSucceeded(WorkflowHandler run, StepAttempt attempt, Event? output, object? state)
    {
        var recorded = (RecordedAttempt)state!;
        lock (_lock)
        {
            recorded.Outcome = AttemptOutcome.Succeeded;
            recorded.Output = output;
        }

        Touch();
    }

    /// <inheritdoc/>
    public override void StepFailed(WorkflowHandler run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
        var recorded = (RecordedAttempt)state!;
        lock (_lock)
        {
            recorded.Outcome = willRetry ? AttemptOutcome.Retried : AttemptOutcome.Failed;
            recorded.Error = error;
        }

        Touch();
    }

    private void Add(RecordedEvent recorded)
    {
        lock (_lock)
        {
            _events.Add(recorded);
        }

        Touch();
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
}
