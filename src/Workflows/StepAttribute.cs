namespace Workflows;

/// <summary>
/// Marks a method of a <see cref="WorkflowAttribute">[Workflow]</see> class as a step. A step takes
/// one event (its first parameter; it receives every event assignable to that type) and returns
/// the event(s) it produces.
/// </summary>
/// <remarks>
/// Accepted signatures: <c>R Name(TEvent ev [, WorkflowContext ctx] [, CancellationToken ct])</c>,
/// static or instance, any accessibility, where <c>R</c> is <see langword="void"/>,
/// <see cref="Task"/>, <see cref="ValueTask"/>, an event type, <see cref="OneOf{T1, T2}"/> of event
/// types, or a <see cref="Task{TResult}"/> / <see cref="ValueTask{TResult}"/> of one of those.
/// A <see langword="null"/> result produces nothing.
/// </remarks>
/// <example>
/// <code>
/// [Step(MaxAttempts = 3, RetryDelayMs = 200, Backoff = Backoff.Exponential, TimeoutMs = 5_000)]
/// private async Task&lt;Summarized&gt; Summarize(Parsed parsed, CancellationToken ct) =&gt; ...;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class StepAttribute : Attribute
{
    /// <summary>The most invocations of this step that run at once within one run. Default 1.</summary>
    /// <remarks>A step with more than one worker runs on the thread pool, so its invocations overlap
    /// even when they are synchronous.</remarks>
    public int Workers { get; set; } = 1;

    /// <summary>Total attempts when the step throws (or times out). Default 1: no retry.</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Delay in milliseconds before the second attempt. Default 0.</summary>
    public int RetryDelayMs { get; set; }

    /// <summary>How the delay grows for later attempts. Default <see cref="Workflows.Backoff.Fixed"/>.</summary>
    public Backoff Backoff { get; set; }

    /// <summary>Time limit of one attempt in milliseconds; 0 (the default) means none. A step that
    /// takes a <see cref="CancellationToken"/> sees it cancelled when the attempt times out.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>
    /// The named queue this step's durable deliveries go through, which bounds how many run at once
    /// across every worker, per worker, per period, and per partition key (an API or model quota, say).
    /// Configure it in <c>WorkflowRuntimeOptions.Queues</c>; a runtime with a step in a queue it does
    /// not configure refuses to start. In memory, queues do not apply (<see cref="Workers"/> does).
    /// </summary>
    public string? Queue { get; set; }
}
