using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Request(string Id, int WaitMilliseconds) : StartEvent;
public sealed record Asked(string Id) : InputRequiredEvent;
public sealed record Reply(string By) : HumanResponseEvent;
public sealed record Settled(string Outcome) : StopEvent;

/// <summary>Asks, and waits for the answer only so long.</summary>
[Workflow]
public partial class DeadlineFlow
{
    [Step]
    public static async Task<Settled> Ask(Request request, WorkflowContext ctx, CancellationToken ct)
    {
        Reply? reply = await ctx.WaitForAsync<Reply>(new Asked(request.Id), TimeSpan.FromMilliseconds(request.WaitMilliseconds), ct);
        return new Settled(reply is null ? "no answer in time" : $"answered by {reply.By}");
    }
}

public sealed record Hang(string Id) : StartEvent;
public sealed record Hung(string Id) : StopEvent;

/// <summary>A step that runs until its token is cancelled, and says when it was.</summary>
[Workflow]
public partial class HangFlow
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Started = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Cancelled = new();

    /// <summary>What completes when the step of run <paramref name="id"/> starts (or was cancelled): a test may ask before either.</summary>
    public static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string id) =>
        signals.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    [Step]
    public static async Task<Hung> Forever(Hang hang, CancellationToken ct)
    {
        TaskCompletionSource cancelled = Signal(Cancelled, hang.Id);
        Signal(Started, hang.Id).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            cancelled.TrySetResult();
            throw;
        }

        return new Hung(hang.Id);
    }
}

public sealed record Nudge(string Id) : StartEvent;
public sealed record Answer(string By) : HumanResponseEvent;
public sealed record Done(string By) : StopEvent;

/// <summary>
/// Takes an answer from outside, but its first step decides not to ask the question. With no question
/// open, nothing running and nothing pending, the run has stalled: it must fail, not wait forever.
/// </summary>
[Workflow]
public partial class QuietFlow
{
    [Step]
    public static Asked? Start(Nudge nudge) => null;

    [Step]
    public static Done Finish(Answer answer) => new(answer.By);
}

[JsonSerializable(typeof(Request))]
[JsonSerializable(typeof(Asked))]
[JsonSerializable(typeof(Reply))]
[JsonSerializable(typeof(Settled))]
[JsonSerializable(typeof(Hang))]
[JsonSerializable(typeof(Hung))]
[JsonSerializable(typeof(Nudge))]
[JsonSerializable(typeof(Answer))]
[JsonSerializable(typeof(Done))]
public sealed partial class DeadlineJson : JsonSerializerContext;
