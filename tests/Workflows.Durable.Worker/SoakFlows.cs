using System.Text.Json.Serialization;
using Workflows;

namespace Workflows.Durable.Worker;

public sealed record SoakOrder(int Id, int Parts) : StartEvent;
public sealed record Part(int Order, int Number) : Event;
public sealed record PartDone(int Order, int Number, int Value) : Event;
public sealed record Gathered(int Order, int Total) : Event;
public sealed record Release(int Order, int Total) : InputRequiredEvent;
public sealed record Released(string By) : HumanResponseEvent;
public sealed record Rested(int Order, int Total) : Event;
public sealed record SoakDone(int Order, int Total, int Doubled, string By) : StopEvent;

/// <summary>
/// The soak test's workflow, every durable feature in one run: a fan-out in the signature through a
/// queue limited across all workers, a step that fails its first attempt on some parts (a retry), the
/// join of that fan-out, a question answered from another process, a durable timer and a child run. Its result is
/// determined by its input alone, so a lost, doubled or misrouted delivery shows in the result.
/// </summary>
[Workflow]
public partial class SoakFlow
{
    /// <summary>The queue whose limit the soak measures.</summary>
    public const string Queue = "soak";

    /// <summary>How many deliveries of <see cref="Queue"/> may run at once across all workers.</summary>
    public const int QueueLimit = 2;

    public static int ValueOf(int order, int number) => (order * 31 + number * 7) % 17 + 1;

    public static SoakDone Expected(int order, int parts, string by)
    {
        int total = Enumerable.Range(1, parts).Sum(n => ValueOf(order, n));
        return new SoakDone(order, total, total * 2, by);
    }

    [Step]
    public static IReadOnlyList<Part> Split(SoakOrder order) => [.. Enumerable.Range(1, order.Parts).Select(i => new Part(order.Id, i))];

    [Step(Workers = 3, Queue = Queue, MaxAttempts = 3, RetryDelayMs = 30)]
    public static async Task<PartDone> Work(Part part, WorkflowContext ctx, CancellationToken ct)
    {
        await Task.Delay(Random.Shared.Next(5, 30), ct);
        if (part.Number % 3 == 0 && ctx.Attempt == 1)
        {
            throw new InvalidOperationException($"Part {part.Number} of order {part.Order} fails its first attempt.");
        }

        return new PartDone(part.Order, part.Number, ValueOf(part.Order, part.Number));
    }

    [Step]
    public static Gathered Gather(IReadOnlyList<PartDone> parts)
    {
        // The join gets each part once, in the fan-out's order: a lost or doubled branch would show here.
        if (!parts.Select(p => p.Number).SequenceEqual(Enumerable.Range(1, parts.Count)))
        {
            throw new InvalidOperationException($"Order {parts[0].Order} joined parts {string.Join(", ", parts.Select(p => p.Number))}.");
        }

        return new Gathered(parts[0].Order, parts.Sum(d => d.Value));
    }

    [Step, Emits(typeof(Rested))]
    public static async Task Approve(Gathered gathered, WorkflowContext ctx, CancellationToken ct)
    {
        Released released = await ctx.WaitForAsync<Released>(new Release(gathered.Order, gathered.Total), ct);
        ctx.Store.Set("by", released.By);
        ctx.SendAfter(new Rested(gathered.Order, gathered.Total), TimeSpan.FromMilliseconds(300));
    }

    [Step]
    public static async Task<SoakDone> Delegate(Rested rested, WorkflowContext ctx, CancellationToken ct)
    {
        Doubled doubled = await ctx.RunAsync(new DoubleFlow(), new DoubleIt(rested.Total), ct);
        return new SoakDone(rested.Order, rested.Total, doubled.Value, ctx.Store.Get<string>("by"));
    }
}

public sealed record DoubleIt(int Value) : StartEvent;
public sealed record Doubled(int Value) : StopEvent;

/// <summary>The soak's child run.</summary>
[Workflow]
public partial class DoubleFlow
{
    [Step]
    public static Doubled Twice(DoubleIt it) => new(it.Value * 2);
}

public sealed record Tick(string Label) : StartEvent;
public sealed record Ticked(string Label) : StopEvent;

/// <summary>What the soak's schedule starts every second.</summary>
[Workflow]
public partial class TickFlow
{
    [Step]
    public static Ticked Count(Tick tick) => new(tick.Label);
}

[JsonSerializable(typeof(SoakOrder))]
[JsonSerializable(typeof(Part))]
[JsonSerializable(typeof(PartDone))]
[JsonSerializable(typeof(Gathered))]
[JsonSerializable(typeof(Release))]
[JsonSerializable(typeof(Released))]
[JsonSerializable(typeof(Rested))]
[JsonSerializable(typeof(SoakDone))]
[JsonSerializable(typeof(DoubleIt))]
[JsonSerializable(typeof(Doubled))]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(Ticked))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class SoakJson : JsonSerializerContext;
