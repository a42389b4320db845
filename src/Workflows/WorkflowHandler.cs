using System.Diagnostics;
using System.Runtime.CompilerServices;
using Workflows.Engine;

namespace Workflows;

/// <summary>
/// A run of a workflow, started at once by the generated <c>RunAsync</c>: stream its events, send
/// events into it, cancel it. <see cref="WorkflowHandler{TStop}"/> adds the typed result.
/// </summary>
/// <remarks>
/// The handle is thin: the run itself (its loop, its steps, its stream) lives in the engine, which
/// applies the same run rules as durable runs. Events a step produces synchronously are routed on
/// the same thread without allocation; events that arrive from other threads flow through the
/// run's inbox.
/// </remarks>
public abstract class WorkflowHandler
{
    private protected WorkflowHandler(InMemoryRun run)
    {
        Run = run;
        run.Handle = this;
    }

    /// <summary>The run's id: unique across runs and processes (formatted on first use).</summary>
    public string RunId => Run.RunId;

    /// <summary>The name of the workflow this run belongs to.</summary>
    public string WorkflowName => Run.WorkflowName;

    /// <summary>Where the run stands.</summary>
    public WorkflowRunStatus Status => Run.Status;

    /// <summary>Completes when the run ends: with the StopEvent, or with its error or cancellation.</summary>
    public abstract Task Completion { get; }

    /// <summary>The run behind this handle.</summary>
    internal InMemoryRun Run { get; }

    /// <summary>The run's span, while something listens to <see cref="Diagnostics.WorkflowTelemetry"/>.</summary>
    internal Activity? TelemetryActivity
    {
        get => Run.TelemetryActivity;
        set => Run.TelemetryActivity = value;
    }

    /// <summary>
    /// Cancels the run: steps in flight see their <see cref="CancellationToken"/> cancelled, and the
    /// handler throws <see cref="OperationCanceledException"/>. Does nothing once the run has ended.
    /// </summary>
    public void Cancel() => Run.RequestCancel(WorkflowRunStatus.Cancelled);

    /// <summary>
    /// Sends an event into the run from outside, typically a <see cref="HumanResponseEvent"/>
    /// answering an <see cref="InputRequiredEvent"/>. A step waiting in
    /// <see cref="WorkflowContext.WaitForAsync{TResponse}(InputRequiredEvent, CancellationToken)"/> for this type gets it first; otherwise it
    /// is routed to every step that accepts it (or to a running sub-workflow that would take it).
    /// </summary>
    /// <param name="ev">The event.</param>
    /// <returns>A task that completes when the event is accepted by the run.</returns>
    /// <exception cref="ArgumentException">No step accepts the event's type and none waits for it.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public ValueTask SendEventAsync(Event ev) => Run.SendEventAsync(ev);

    /// <summary>
    /// Streams the run's events: those written with <see cref="WorkflowContext.WriteToStream"/> and
    /// every <see cref="InputRequiredEvent"/>, in order, then the StopEvent; then it completes. If the
    /// run fails, is cancelled or times out, the enumeration throws that error after the events
    /// written before it. Events are kept from the start of the run (the newest
    /// <see cref="RunOptions.StreamCapacity"/> of them, 1,000 by default, until you begin), so it does
    /// not matter when you begin streaming; while you read, a step that gets that far ahead waits for you.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration (not the run).</param>
    /// <returns>The run's events.</returns>
    /// <exception cref="InvalidOperationException">The stream of this run was already taken: each run
    /// streams its events once.</exception>
    /// <example>
    /// <code>
    /// await foreach (Event ev in handler.StreamEvents())
    /// {
    ///     if (ev is Progress p) Console.WriteLine(p.Message);
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<Event> StreamEvents(CancellationToken cancellationToken = default) =>
        Run.TakeStream(cancellationToken) ?? throw new InvalidOperationException(
            $"StreamEvents was already called on run '{RunId}' of workflow '{WorkflowName}'. A run's events are streamed once; " +
            "share that one enumeration, or await the handler for the result.");

    /// <summary>
    /// Streams only the run's events of type <typeparamref name="TEvent"/> (and its subtypes), in
    /// order; like <see cref="StreamEvents(CancellationToken)"/>, it takes the run's one stream, and
    /// throws the run's error if it fails.
    /// </summary>
    /// <typeparam name="TEvent">The events wanted.</typeparam>
    /// <param name="cancellationToken">Stops the enumeration (not the run).</param>
    /// <returns>The run's events of that type.</returns>
    /// <example>
    /// <code>
    /// await foreach (Progress p in handler.StreamEvents&lt;Progress&gt;()) Console.WriteLine(p.Message);
    /// </code>
    /// </example>
    public IAsyncEnumerable<TEvent> StreamEvents<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : Event => OfType<TEvent>(StreamEvents(cancellationToken), cancellationToken);

    /// <summary>Starts the run's loop: called once, by <see cref="Infrastructure.WorkflowRunner"/>.</summary>
    internal abstract void Start(StartEvent start, CancellationToken cancellationToken);

    private static async IAsyncEnumerable<TEvent> OfType<TEvent>(IAsyncEnumerable<Event> events, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TEvent : Event
    {
        await foreach (Event ev in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (ev is TEvent typed)
            {
                yield return typed;
            }
        }
    }
}
