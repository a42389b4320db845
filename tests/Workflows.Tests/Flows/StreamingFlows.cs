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

public sealed record Flood(int Events, string? Gate = null) : StartEvent;
public sealed record Flooded(int Written) : StopEvent;
public sealed record Written(int Number) : Event;

/// <summary>
/// One asynchronous step that writes many events to the stream as fast as it can, counting what it
/// wrote; with a gate, it starts when the gate opens (once the test's reader is reading).
/// </summary>
[Workflow]
public partial class FloodFlow
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Count = new();
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    [Step]
    public static async Task<Flooded> Write(Flood flood, WorkflowContext ctx)
    {
        await Task.Yield();
        if (flood.Gate is { } gate)
        {
            await Gates[gate].Task.WaitAsync(TimeSpan.FromSeconds(15));
        }

        for (int i = 1; i <= flood.Events; i++)
        {
            ctx.WriteToStream(new Written(i));
            Count[ctx.RunId] = i;
        }

        return new Flooded(flood.Events);
    }
}

public sealed record Hold(string Id) : StartEvent;
public sealed record Holding(string Id) : Event;
public sealed record Tap(int Number) : Event;
public sealed record Tapped(IReadOnlyList<int> Numbers) : StopEvent;

/// <summary>
/// Its second step is synchronous, so it runs on the run's loop, and holds the loop until its gate
/// opens: events sent in meanwhile queue in the inbox. Then it takes three taps.
/// </summary>
[Workflow]
public partial class GateFlow
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (SemaphoreSlim Entered, ManualResetEventSlim Gate)> Gates = new();

    [Step]
    public static async Task<Holding> Start(Hold hold)
    {
        await Task.Yield();
        return new Holding(hold.Id);
    }

    [Step]
    public static Tap? Block(Holding holding)
    {
        (SemaphoreSlim entered, ManualResetEventSlim gate) = Gates[holding.Id];
        entered.Release();
        gate.Wait(TimeSpan.FromSeconds(15));
        return null;
    }

    [Step]
    public static Tapped? Count(Tap tap, WorkflowContext ctx) =>
        ctx.Collect(tap, 3) is { } all ? new Tapped([.. all.Select(k => k.Number).Order()]) : null;
}
