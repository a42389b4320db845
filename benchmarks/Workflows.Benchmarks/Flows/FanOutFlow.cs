using Workflows;

namespace Workflows.Benchmarks.Flows;

public sealed record Spread(int Count) : StartEvent;
public sealed record Piece(int Value) : Event;
public sealed record Squared(int Value) : Event;
public sealed record Summed(long Total) : StopEvent;

/// <summary>Fan-out of <c>Count</c> events, a step per event, fan-in with Collect.</summary>
[Workflow]
public static partial class FanOutFlow
{
    [Step, Emits(typeof(Piece))]
    public static void Split(Spread spread, WorkflowContext ctx)
    {
        ctx.Store.Set("count", spread.Count);
        for (int i = 0; i < spread.Count; i++)
        {
            ctx.Send(new Piece(i));
        }
    }

    [Step]
    public static Squared Square(Piece piece) => new(piece.Value * piece.Value);

    [Step]
    public static Summed? Sum(Squared squared, WorkflowContext ctx)
    {
        if (ctx.Collect(squared, ctx.Store.Get<int>("count")) is not { } all)
        {
            return null;
        }

        long total = 0;
        foreach (Squared s in all)
        {
            total += s.Value;
        }

        return new Summed(total);
    }
}
