namespace Workflows;

/// <summary>Options of one run, passed to the generated <c>RunAsync</c>.</summary>
/// <example>
/// <code>
/// var handler = flow.RunAsync(new Submitted(doc), new RunOptions { Timeout = TimeSpan.FromMinutes(5) });
/// </code>
/// </example>
public sealed class RunOptions
{
    /// <summary>
    /// How long the whole run may take; <see langword="null"/> (the default) means no limit. When it
    /// passes, steps in flight are cancelled and the handler throws <see cref="WorkflowTimeoutException"/>.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// The clock behind the run's timeout, step timeouts and retry delays. Defaults to
    /// <see cref="TimeProvider.System"/>; tests pass a fake one to make time explicit.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Sees the run's lifecycle: routed and streamed events, step attempts, the outcome. Logging and
    /// the test kit plug in here; <see langword="null"/> (the default) costs nothing.
    /// </summary>
    public Diagnostics.WorkflowObserver? Observer { get; set; }

    /// <summary>
    /// How many events the run's stream holds unread (default 1,000). While someone reads it
    /// (<see cref="WorkflowHandler.StreamEvents"/>), a step that writes to a full stream waits until
    /// the reader takes one, so a fast producer cannot outrun a slow consumer's memory; the run's own
    /// writes (its questions, its StopEvent) and a synchronous step running on the run's loop never
    /// wait. Until someone reads it, the oldest events make room for new ones (counted by the
    /// <c>workflows.stream.dropped</c> instrument), so a run nobody streams neither grows nor blocks.
    /// Once the reader stops, later events are dropped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int StreamCapacity
    {
        get => _streamCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _streamCapacity = value;
        }
    }

    /// <summary>
    /// How many events sent into the run (<see cref="WorkflowHandler.SendEventAsync"/>, or
    /// <see cref="WorkflowContext.Send"/> from a step that has gone asynchronous) may wait for the
    /// run's loop to take them (default 1,000). A sender beyond that waits: <c>SendEventAsync</c>
    /// asynchronously, <c>ctx.Send</c> by blocking its thread. The run's own messages (step
    /// completions, timers) never wait.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int InboxCapacity
    {
        get => _inboxCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _inboxCapacity = value;
        }
    }

    private int _streamCapacity = Engine.RunStream.DefaultCapacity;
    private int _inboxCapacity = Engine.RunInbox.DefaultCapacity;
}
