namespace Workflows.Tests.Flows;

public sealed record Count(int To) : StartEvent;
public sealed record Tick(int Number) : Event;
public sealed record Counted(int Total) : StopEvent;
public sealed record Progress(string Message) : Event;

/// <summary>Writes a Progress event to the stream for each tick, asynchronously.</summary>
[Workflow]
public partial class CountingFlow
{
    [Step]
    public static Tick Begin(Count count, WorkflowContext ctx)
    {
        ctx.Store.Set("to", count.To);
        return new Tick(1);
    }

    [Step]
    public static async Task<OneOf<Tick, Counted>> Step(Tick tick, WorkflowContext ctx)
    {
        await Task.Yield();
        ctx.WriteToStream(new Progress($"tick {tick.Number}"));
        return tick.Number < ctx.Store.Get<int>("to") ? new Tick(tick.Number + 1) : new Counted(tick.Number);
    }
}

/// <summary>Streams one event, then fails.</summary>
[Workflow]
public partial class StreamThenFailFlow
{
    [Step]
    public static Counted Begin(Count count, WorkflowContext ctx)
    {
        ctx.WriteToStream(new Progress("before the failure"));
        throw new ArgumentException("the failure");
    }
}
