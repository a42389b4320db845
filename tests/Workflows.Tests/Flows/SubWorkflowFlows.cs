namespace Workflows.Tests.Flows;

public sealed record ChildStart(int Value) : StartEvent;
public sealed record ChildAsks(int Value) : InputRequiredEvent;
public sealed record ChildAnswer(int Add) : HumanResponseEvent;
public sealed record ChildDone(int Value) : StopEvent;

/// <summary>A child that streams, then asks a human, then finishes (or fails on a negative value).</summary>
[Workflow]
public partial class ChildFlow
{
    [Step]
    public static async Task<ChildAsks> Work(ChildStart start, WorkflowContext ctx, CancellationToken ct)
    {
        ctx.WriteToStream(new Progress($"child got {start.Value}"));
        await Task.Delay(start.Value < 0 ? Timeout.Infinite : 1, ct);
        return start.Value == 13 ? throw new ArgumentOutOfRangeException(nameof(start), "13 is unlucky") : new ChildAsks(start.Value);
    }

    [Step]
    public static ChildDone Finish(ChildAnswer answer) => new(answer.Add);
}

public sealed record ParentStart(int Value) : StartEvent;
public sealed record ParentDone(int Value) : StopEvent;

/// <summary>A step that runs ChildFlow and adds one to its result.</summary>
[Workflow]
public partial class ParentFlow
{
    public TaskCompletionSource<bool> ChildCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Step]
    public async Task<ParentDone> Delegate(ParentStart start, WorkflowContext ctx, CancellationToken ct)
    {
        ctx.WriteToStream(new Progress("parent starts child"));
        try
        {
            ChildDone done = await ctx.RunAsync(new ChildFlow(), new ChildStart(start.Value), ct);
            return new ParentDone(done.Value + 1);
        }
        catch (OperationCanceledException)
        {
            ChildCancelled.TrySetResult(true);
            throw;
        }
    }
}
