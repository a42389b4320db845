using System.Text.Json.Serialization;
using Workflows;

namespace Workflows.Durable.Worker;

public sealed record Batch(int Items) : StartEvent;
public sealed record Item(int Number) : Event;
public sealed record Weighed(int Number, int Weight) : Event;
public sealed record Weighted(int Total) : Event;
public sealed record Signoff(int Total) : InputRequiredEvent;
public sealed record Signed(string By) : HumanResponseEvent;
public sealed record Cooled(int Total) : Event;
public sealed record BatchDone(int Total, int Items, string SignedBy) : StopEvent;

/// <summary>
/// The crash test's workflow: fan-out to <c>Items</c> steps (4 at a time), fan-in through state,
/// a human sign-off in the middle of a step, and a durable timer before the end. Its result is
/// fully determined by its input, so any lost or repeated delivery shows in the result or journal.
/// </summary>
[Workflow]
public partial class CrashFlow
{
    /// <summary>The weight of item n: what the result is checked against.</summary>
    public static int WeightOf(int number) => (number * 7) % 13 + 1;

    [Step, Emits(typeof(Item))]
    public static void Split(Batch batch, WorkflowContext ctx)
    {
        ctx.Store.Set("items", batch.Items);
        for (int i = 1; i <= batch.Items; i++)
        {
            ctx.Send(new Item(i));
        }
    }

    [Step(Workers = 4, MaxAttempts = 3, RetryDelayMs = 20)]
    public static async Task<Weighed> Weigh(Item item, CancellationToken ct)
    {
        await Task.Delay(Random.Shared.Next(5, 40), ct);
        return new Weighed(item.Number, WeightOf(item.Number));
    }

    [Step]
    public static Weighted? Sum(Weighed weighed, WorkflowContext ctx) =>
        ctx.Collect(weighed, ctx.Store.Get<int>("items")) is { } all ? new Weighted(all.Sum(w => w.Weight)) : null;

    [Step, Emits(typeof(Cooled))]
    public static async Task SignOff(Weighted weighted, WorkflowContext ctx, CancellationToken ct)
    {
        Signed signed = await ctx.WaitForAsync<Signed>(new Signoff(weighted.Total), ct);
        ctx.Store.Set("signedBy", signed.By);
        ctx.SendAfter(new Cooled(weighted.Total), TimeSpan.FromMilliseconds(800));
    }

    [Step]
    public static BatchDone Finish(Cooled cooled, WorkflowContext ctx) =>
        new(cooled.Total, ctx.Store.Get<int>("items"), ctx.Store.Get<string>("signedBy"));
}

[JsonSerializable(typeof(Batch))]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(Weighed))]
[JsonSerializable(typeof(Weighted))]
[JsonSerializable(typeof(Signoff))]
[JsonSerializable(typeof(Signed))]
[JsonSerializable(typeof(Cooled))]
[JsonSerializable(typeof(BatchDone))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class CrashJson : JsonSerializerContext;

public sealed record Parent(int Items) : StartEvent;
public sealed record ParentDone(int Total, int Items, string SignedBy) : StopEvent;

/// <summary>Runs <see cref="CrashFlow"/> as a durable child run, and reports its result.</summary>
[Workflow]
public partial class ParentFlow
{
    [Step]
    public static async Task<ParentDone> Delegate(Parent parent, WorkflowContext ctx, CancellationToken ct)
    {
        BatchDone done = await ctx.RunAsync(new CrashFlow(), new Batch(parent.Items), ct);
        return new ParentDone(done.Total, done.Items, done.SignedBy);
    }
}

[JsonSerializable(typeof(Parent))]
[JsonSerializable(typeof(ParentDone))]
public sealed partial class ParentJson : JsonSerializerContext;
