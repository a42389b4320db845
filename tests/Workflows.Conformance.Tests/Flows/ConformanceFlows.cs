namespace Workflows.Conformance.Tests.Flows;

public sealed record Charge(int Card) : StartEvent;
public sealed record ChargeCard(int Card) : Event;
public sealed record Charged(int Card) : Event;
public sealed record Paid(int Card) : StopEvent;

/// <summary>
/// Every card is declined; the error handler moves on to the next card, twice at most: the third
/// final failure fails the run. One card at a time, so every host sees the same order.
/// </summary>
[Workflow]
public partial class RecoveryLimitFlow
{
    [Step]
    public static ChargeCard Begin(Charge charge) => new(charge.Card);

    [Step(MaxAttempts = 2)]
    public static Charged Pay(ChargeCard card) => throw new InvalidOperationException($"card {card.Card} declined");

    [Step, CatchErrors(nameof(Pay), MaxRecoveries = 2)]
    public static ChargeCard NextCard(StepFailedEvent failed) => new(((ChargeCard)failed.Event).Card + 1);

    [Step]
    public static Paid Done(Charged charged) => new(charged.Card);
}

public sealed record Scatter(int Pieces, int Expected) : StartEvent;
public sealed record Piece(int Number) : Event;
public sealed record Gathered(int Count) : StopEvent;

/// <summary>A fan-in that waits for more pieces than the fan-out sends: the run stalls, holding an open batch.</summary>
[Workflow]
public partial class OpenBatchFlow
{
    [Step, Emits(typeof(Piece))]
    public static void Split(Scatter scatter, WorkflowContext ctx)
    {
        ctx.Store.Set("expected", scatter.Expected);
        for (int i = 0; i < scatter.Pieces; i++)
        {
            ctx.Send(new Piece(i));
        }
    }

    [Step]
    public static Gathered? Join(Piece piece, WorkflowContext ctx) =>
        ctx.Collect(piece, ctx.Store.Get<int>("expected")) is { } all ? new Gathered(all.Count) : null;
}

public sealed record Ask(string Who) : StartEvent;
public sealed record Question(string Who) : InputRequiredEvent;
public sealed record Answer(string By) : HumanResponseEvent;
public sealed record Asked(string Outcome) : StopEvent;

/// <summary>Asks, and waits a moment for the answer: the answer if it comes, nothing if the moment passes.</summary>
[Workflow]
public partial class BriefWaitFlow
{
    [Step]
    public static async Task<Asked> Wait(Ask ask, WorkflowContext ctx, CancellationToken ct)
    {
        Answer? answer = await ctx.WaitForAsync<Answer>(new Question(ask.Who), TimeSpan.FromMilliseconds(800), ct);
        return new Asked(answer is null ? "no answer in time" : $"answered by {answer.By}");
    }
}

public sealed record Stamp(string Label) : StartEvent;
public sealed record StampAsked(string Label) : InputRequiredEvent;
public sealed record StampOk(bool Ok) : HumanResponseEvent;
public sealed record Stamped(int Calls, bool SameStamp, bool Ok) : StopEvent;

/// <summary>
/// Takes a stamp once, then waits for a person: a durable host runs the step again from its start when
/// the answer comes, and must hand back the recorded stamp instead of taking a new one.
/// </summary>
[Workflow]
public partial class OnceFlow
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> s_calls = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> s_first = new();

    [Step]
    public static async Task<Stamped> Take(Stamp stamp, WorkflowContext ctx, CancellationToken ct)
    {
        string taken = await ctx.OnceAsync("stamp", _ =>
        {
            s_calls.AddOrUpdate(ctx.RunId, 1, (_, n) => n + 1);
            return ValueTask.FromResult(Guid.NewGuid().ToString("N"));
        }, ct);
        string first = s_first.GetOrAdd(ctx.RunId, taken);
        StampOk ok = await ctx.WaitForAsync<StampOk>(new StampAsked(stamp.Label), ct);
        return new Stamped(s_calls[ctx.RunId], first == taken, ok.Ok);
    }
}
