using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Workflows.Generators.Reading;

/// <summary>A call in a step body that matters to the graph, with the type involved and where it is written.</summary>
internal readonly record struct BodyCall(ITypeSymbol Type, Location Location)
{
    /// <summary>For a send: set as a question's <c>TaskAssignment.Overdue</c>, sent when the task is past due (not by <c>ctx.Send</c>).</summary>
    public bool IsOverdue { get; init; }
}

/// <summary>A <c>ctx.WaitForAsync&lt;TResponse&gt;(prompt)</c> call.</summary>
internal readonly record struct BodyWait(ITypeSymbol Response, ITypeSymbol? Prompt, Location Location);

/// <summary>A call that blocks a thread: <c>.Result</c>, <c>.Wait()</c>, <c>Thread.Sleep</c>, <c>GetAwaiter().GetResult()</c>.</summary>
internal readonly record struct BodyBlockingCall(string What, Location Location);

/// <summary>
/// What a step's body does with its <c>WorkflowContext</c> and threads, read from its operations.
/// Transient, like <see cref="StepRead"/>: the generator keeps only the event types.
/// </summary>
internal sealed class StepBody
{
    public static readonly StepBody Invisible = new(
        ImmutableArray<BodyCall>.Empty, ImmutableArray<BodyCall>.Empty, ImmutableArray<BodyWait>.Empty, ImmutableArray<BodyBlockingCall>.Empty, ImmutableArray<BodyCall>.Empty, ImmutableArray<BodyCall>.Empty, contextEscapes: true);

    public StepBody(
        ImmutableArray<BodyCall> sends,
        ImmutableArray<BodyCall> collects,
        ImmutableArray<BodyWait> waits,
        ImmutableArray<BodyBlockingCall> blocking,
        ImmutableArray<BodyCall> runs,
        ImmutableArray<BodyCall> streams,
        bool contextEscapes)
    {
        Runs = runs;
        Streams = streams;
        Sends = sends;
        Collects = collects;
        Waits = waits;
        Blocking = blocking;
        ContextEscapes = contextEscapes;
    }

    /// <summary><c>ctx.Send(x)</c>, <c>ctx.SendAfter(x, …)</c>, <c>ctx.SendAt(x, …)</c>, and a task's <c>Overdue = x</c>: the static type of <c>x</c>.</summary>
    public ImmutableArray<BodyCall> Sends { get; }

    /// <summary><c>ctx.WriteToStream(x)</c>: the static type of <c>x</c>.</summary>
    public ImmutableArray<BodyCall> Streams { get; }

    /// <summary><c>ctx.Collect&lt;T&gt;(…)</c>: <c>T</c>.</summary>
    public ImmutableArray<BodyCall> Collects { get; }

    public ImmutableArray<BodyWait> Waits { get; }

    public ImmutableArray<BodyBlockingCall> Blocking { get; }

    /// <summary><c>ctx.RunAsync(child, start)</c>: the child workflow's type.</summary>
    public ImmutableArray<BodyCall> Runs { get; }

    /// <summary>
    /// Whether the context leaves the body's sight (passed to a method, stored): then its sends
    /// are not all visible here, and "declared but never sent" cannot be told.
    /// </summary>
    public bool ContextEscapes { get; }
}
