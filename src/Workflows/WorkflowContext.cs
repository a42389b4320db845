using Workflows.Engine;

namespace Workflows;

/// <summary>
/// What a step can do besides returning events: send more events, write to the run's stream,
/// gather events for a fan-in, wait for a human, and keep state. A step receives it by declaring a
/// <see cref="WorkflowContext"/> parameter after its event. Every member is safe to call from steps
/// running at the same time.
/// </summary>
public sealed class WorkflowContext
{
    private readonly IStepHost _run;

    internal WorkflowContext(IStepHost run) => _run = run;

    /// <summary>The id of the run this step belongs to.</summary>
    public string RunId => _run.RunId;

    /// <summary>
    /// Which attempt of the calling step this is: 1 for the first, 2 for the first retry, and so on, so
    /// a step can behave differently when it is retried (take a fallback, log more).
    /// </summary>
    /// <example>
    /// <code>
    /// [Step(MaxAttempts = 3)]
    /// private Task&lt;Quoted&gt; Quote(Requested request, WorkflowContext ctx) =&gt;
    ///     ctx.Attempt == 1 ? _fast.QuoteAsync(request) : _slow.QuoteAsync(request);
    /// </code>
    /// </example>
    public int Attempt => _run.Attempt;

    /// <summary>
    /// Sets a custom attribute of the run, such as the customer or order it is about, replacing the
    /// value of a key already set. A durable run keeps it, indexed, once the step completes, so
    /// <c>RunQuery.Tags</c> finds the run by it; in memory it is recorded on the step's trace span
    /// (<c>workflow.tag.&lt;key&gt;</c>). Keys and values are at most 200 characters; a key is not empty.
    /// </summary>
    /// <param name="key">The attribute's name.</param>
    /// <param name="value">Its value.</param>
    /// <example>
    /// <code>
    /// [Step]
    /// private static Validated Validate(OrderPlaced order, WorkflowContext ctx)
    /// {
    ///     ctx.SetTag("customer", order.CustomerId);
    ///     return new Validated(order);
    /// }
    /// </code>
    /// </example>
    public void SetTag(string key, string value)
    {
        Durable.RunTags.Check(key, value, nameof(key));
        _run.SetTag(key, value);
    }

    /// <summary>The run's state, shared by all its steps.</summary>
    public StateStore Store => _run.Store;

    /// <summary>
    /// Routes <paramref name="ev"/> to every step that accepts it, like a returned event. Declare its
    /// type on the step with <see cref="EmitsAttribute">[Emits(typeof(…))]</see> so the graph knows it.
    /// </summary>
    /// <param name="ev">The event to route.</param>
    /// <example>
    /// <code>
    /// [Step, Emits(typeof(Chunk))]
    /// private static void Split(Document doc, WorkflowContext ctx)
    /// {
    ///     foreach (var part in doc.Parts) ctx.Send(new Chunk(part));
    /// }
    /// </code>
    /// </example>
    public void Send(Event ev) => _run.Send(ev);

    /// <summary>
    /// Routes <paramref name="ev"/> after <paramref name="delay"/>, like <see cref="Send"/> but later.
    /// In a durable run the timer is stored: it survives restarts and holds no thread or memory while
    /// it waits. Declare the type with <see cref="EmitsAttribute">[Emits]</see> as for Send.
    /// </summary>
    /// <param name="ev">The event to route.</param>
    /// <param name="delay">How long from now; not negative.</param>
    /// <example>
    /// <code>
    /// [Step, Emits(typeof(Reminder))]
    /// private static void Schedule(Booked booked, WorkflowContext ctx) =&gt;
    ///     ctx.SendAfter(new Reminder(booked.Id), TimeSpan.FromDays(1));
    /// </code>
    /// </example>
    public void SendAfter(Event ev, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _run.SendAt(ev, _run.Time.GetUtcNow() + delay);
    }

    /// <summary>Routes <paramref name="ev"/> at <paramref name="when"/> (at once if that has passed); see <see cref="SendAfter"/>.</summary>
    /// <param name="ev">The event to route.</param>
    /// <param name="when">When.</param>
    public void SendAt(Event ev, DateTimeOffset when) => _run.SendAt(ev, when);

    /// <summary>
    /// Writes <paramref name="ev"/> to the run's event stream (see
    /// <see cref="WorkflowHandler.StreamEvents"/>) without routing it: progress, partial results, logs.
    /// </summary>
    /// <param name="ev">The event to stream.</param>
    public void WriteToStream(Event ev) => _run.WriteToStream(ev);

    /// <summary>
    /// Writes <paramref name="ev"/> for whoever follows the run at this moment, without recording it:
    /// a partial result that the final one replaces, such as a model's answer as it is written. In
    /// memory it is a streamed event (<see cref="WorkflowHandler.StreamEvents"/>). A durable run does
    /// not store it: followers in the process running the step get it
    /// (<c>WorkflowRuntime.FollowLiveAsync</c>, and the server's event stream), others never see it, so
    /// record what matters with <see cref="WriteToStream"/> or the step's result.
    /// </summary>
    /// <param name="ev">The event; a durable workflow's JSON context must be able to serialize it.</param>
    public void WriteLive(Event ev) => _run.WriteLive(ev ?? throw new ArgumentNullException(nameof(ev)));

    /// <summary>
    /// Fan-in: buffers <paramref name="ev"/> and returns <see langword="null"/> until
    /// <paramref name="count"/> events of type <typeparamref name="T"/> have arrived in this run; then
    /// returns them, in arrival order, and starts a new batch.
    /// </summary>
    /// <typeparam name="T">The event type gathered; batches are kept per type, per run.</typeparam>
    /// <param name="ev">The event the step just received.</param>
    /// <param name="count">How many events make a batch; at least 1.</param>
    /// <returns>The batch, or <see langword="null"/> while it is incomplete.</returns>
    /// <example>
    /// <code>
    /// [Step]
    /// private static Merged? Join(Scored scored, WorkflowContext ctx) =>
    ///     ctx.Collect(scored, 3) is { } all ? new Merged(all.Sum(s =&gt; s.Score)) : null;
    /// </code>
    /// </example>
    public IReadOnlyList<T>? Collect<T>(T ev, int count)
        where T : Event => _run.Collect(ev, count);

    /// <summary>
    /// Writes <paramref name="prompt"/> to the run's stream and waits until a
    /// <typeparamref name="TResponse"/> is sent into the run with
    /// <see cref="WorkflowHandler.SendEventAsync"/>. A response sent while a step waits goes to the
    /// waiting step (the oldest first), not to steps that consume that type.
    /// </summary>
    /// <typeparam name="TResponse">The answer's type.</typeparam>
    /// <param name="prompt">What to ask.</param>
    /// <param name="cancellationToken">Stops waiting; the run's own cancellation stops it too.</param>
    /// <returns>The answer.</returns>
    public async ValueTask<TResponse> WaitForAsync<TResponse>(InputRequiredEvent prompt, CancellationToken cancellationToken = default)
        where TResponse : HumanResponseEvent =>
        (await _run.WaitForAsync<TResponse>(prompt, timeout: null, cancellationToken).ConfigureAwait(false))!;

    /// <summary>
    /// Like <see cref="WaitForAsync{TResponse}(InputRequiredEvent, CancellationToken)"/>, but gives up
    /// after <paramref name="timeout"/>: returns the answer, or <see langword="null"/> when none arrived
    /// in time. In memory the time is the run's <see cref="RunOptions.TimeProvider"/>; in a durable run
    /// the deadline is stored, so it holds across restarts and holds no thread while it waits.
    /// </summary>
    /// <typeparam name="TResponse">The answer's type.</typeparam>
    /// <param name="prompt">What to ask.</param>
    /// <param name="timeout">How long to wait; positive.</param>
    /// <param name="cancellationToken">Stops waiting; the run's own cancellation stops it too.</param>
    /// <returns>The answer, or <see langword="null"/> when the time passed first.</returns>
    /// <example>
    /// <code>
    /// Approval? approval = await ctx.WaitForAsync&lt;Approval&gt;(new ApprovalNeeded(order.Id), TimeSpan.FromDays(2), ct);
    /// return approval is null ? new Escalated(order.Id) : new Decided(order.Id, approval.Approved);
    /// </code>
    /// </example>
#pragma warning disable RS0026 // The overloads differ by a required TimeSpan; DESIGN.md fixes both signatures.
    public ValueTask<TResponse?> WaitForAsync<TResponse>(InputRequiredEvent prompt, TimeSpan timeout, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
        where TResponse : HumanResponseEvent
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return _run.WaitForAsync<TResponse>(prompt, timeout, cancellationToken);
    }

    /// <summary>
    /// Does <paramref name="work"/> once for this step's delivery: in a durable run its result is
    /// recorded in the run's journal as soon as it is done, and when the step runs again — after a
    /// crash, on a retry, or from the top once a <c>WaitForAsync</c> answer arrives — the recorded
    /// result is returned and the work is not done again. Use it for what must not happen twice: a
    /// call that bills or charges, a message sent, a value that must not change (a time, a new id). In
    /// memory the work simply runs.
    /// </summary>
    /// <typeparam name="T">The result's type: a durable workflow's JSON context must be able to serialize it.</typeparam>
    /// <param name="key">Names the work within the step, unique per call (put a loop's index in it); at most 200 characters.</param>
    /// <param name="work">The work, given a token that is cancelled with the step.</param>
    /// <param name="cancellationToken">Cancels the work (the run's own cancellation does too).</param>
    /// <returns>The work's result, or the one recorded for <paramref name="key"/>.</returns>
    /// <exception cref="Durable.WorkflowSerializationException">Durable: the workflow's JSON context cannot serialize <typeparamref name="T"/>; thrown before the work starts.</exception>
    /// <exception cref="InvalidOperationException">Durable: the step used <paramref name="key"/> twice in one execution.</exception>
    /// <example>
    /// <code>
    /// [Step]
    /// private async Task&lt;Classified&gt; Classify(TicketOpened ticket, WorkflowContext ctx, CancellationToken ct)
    /// {
    ///     // Billed once: a re-run of this step gets the recorded answer back.
    ///     Category category = await ctx.OnceAsync("classify", token =&gt; _classifier.ClassifyAsync(ticket.Text, token), ct);
    ///     Team team = (await ctx.WaitForAsync&lt;TeamChosen&gt;(new ChooseTeam(category), ct)).Team;
    ///     return new Classified(category, team);
    /// }
    /// </code>
    /// </example>
    public ValueTask<T> OnceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxOnceKeyLength, nameof(key));
        ArgumentNullException.ThrowIfNull(work);
        return _run.OnceAsync(key, work, cancellationToken);
    }

    private const int MaxOnceKeyLength = 200;

    /// <summary>
    /// Runs another workflow as part of this step and returns its StopEvent. The child's streamed
    /// events (InputRequiredEvents included) appear in this run's stream, answers sent into this run
    /// reach the child when this run has no taker for them, and cancelling or timing out this run
    /// cancels the child. The child's failure is this step's failure (and may be retried).
    /// </summary>
    /// <typeparam name="TStart">The child's StartEvent type.</typeparam>
    /// <typeparam name="TStop">The child's StopEvent type.</typeparam>
    /// <param name="workflow">The child workflow, e.g. <c>new SummarizeFlow()</c>.</param>
    /// <param name="start">Its StartEvent.</param>
    /// <param name="cancellationToken">Cancels the child (the run's own cancellation does too).</param>
    /// <returns>The child's StopEvent.</returns>
    /// <example>
    /// <code>
    /// [Step]
    /// private async Task&lt;Summarized&gt; Summarize(Parsed parsed, WorkflowContext ctx, CancellationToken ct)
    /// {
    ///     SummaryDone done = await ctx.RunAsync(new SummarizeFlow(), new SummaryRequested(parsed.Text), ct);
    ///     return new Summarized(done.Summary);
    /// }
    /// </code>
    /// </example>
    public Task<TStop> RunAsync<TStart, TStop>(IWorkflow<TStart, TStop> workflow, TStart start, CancellationToken cancellationToken = default)
        where TStart : StartEvent
        where TStop : StopEvent => _run.RunChildAsync(workflow, start, cancellationToken);
}
