using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Calls(string Test, string Customer, int Count) : StartEvent;
public sealed record Call(string Test, string Customer, int Index) : Event;
public sealed record Called(string Test, int Index) : Event;
public sealed record CallsDone(int Count) : StopEvent;

/// <summary>How many calls run at once, the most that ever did, and when each started: per test, and per test and customer.</summary>
public sealed class Gauge
{
    public static readonly ConcurrentDictionary<string, Gauge> All = new();

    private int _now;
    private int _max;

    public ConcurrentQueue<DateTimeOffset> Starts { get; } = new();

    public ConcurrentQueue<string> Order { get; } = new();

    public int Max => Volatile.Read(ref _max);

    public static async Task MeasureAsync(string key, string label, CancellationToken ct, params string[] alsoKeys)
    {
        Gauge[] gauges = [.. new[] { key }.Concat(alsoKeys).Select(k => All.GetOrAdd(k, _ => new Gauge()))];
        foreach (Gauge gauge in gauges)
        {
            gauge.Starts.Enqueue(DateTimeOffset.UtcNow);
            gauge.Order.Enqueue(label);
            int now = Interlocked.Increment(ref gauge._now);
            int max;
            while (now > (max = Volatile.Read(ref gauge._max)) && Interlocked.CompareExchange(ref gauge._max, now, max) != max)
            {
            }
        }

        try
        {
            await Task.Delay(150, ct);
        }
        finally
        {
            foreach (Gauge gauge in gauges)
            {
                Interlocked.Decrement(ref gauge._now);
            }
        }
    }
}

/// <summary>Fans calls out through the "llm" queue and gathers them.</summary>
[Workflow]
public partial class LlmFlow
{
    [Step, Emits(typeof(Call))]
    public static void Split(Calls calls, WorkflowContext ctx)
    {
        ctx.Store.Set("count", calls.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            ctx.Send(new Call(calls.Test, calls.Customer, i));
        }
    }

    [Step(Queue = "llm", Workers = 8)]
    public static async Task<Called> Ask(Call call, CancellationToken ct)
    {
        await Gauge.MeasureAsync(call.Test, call.Customer, ct);
        return new Called(call.Test, call.Index);
    }

    [Step]
    public static CallsDone? Gather(Called called, WorkflowContext ctx) =>
        ctx.Collect(called, ctx.Store.Get<int>("count")) is { } all ? new CallsDone(all.Count) : null;
}

/// <summary>The same through the "billing" queue, whose limits apply per customer (the run's partition key).</summary>
[Workflow]
public partial class BillingFlow
{
    [Step, Emits(typeof(Call))]
    public static void Split(Calls calls, WorkflowContext ctx)
    {
        ctx.Store.Set("count", calls.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            ctx.Send(new Call(calls.Test, calls.Customer, i));
        }
    }

    [Step(Queue = "billing", Workers = 8)]
    public static async Task<Called> Charge(Call call, CancellationToken ct)
    {
        await Gauge.MeasureAsync(call.Test, call.Customer, ct, call.Test + ":" + call.Customer);
        return new Called(call.Test, call.Index);
    }

    [Step]
    public static CallsDone? Gather(Called called, WorkflowContext ctx) =>
        ctx.Collect(called, ctx.Store.Get<int>("count")) is { } all ? new CallsDone(all.Count) : null;
}

/// <summary>One queued call per run, which ends the run: nothing else of the run commits while the next call is claimed.</summary>
[Workflow]
public partial class OneCallFlow
{
    [Step(Queue = "llm")]
    public static async Task<CallsDone> Ask(Calls calls, CancellationToken ct)
    {
        await Gauge.MeasureAsync(calls.Test, calls.Customer, ct);
        return new CallsDone(1);
    }
}

[JsonSerializable(typeof(Calls))]
[JsonSerializable(typeof(Call))]
[JsonSerializable(typeof(Called))]
[JsonSerializable(typeof(CallsDone))]
[JsonSerializable(typeof(int))]
public sealed partial class QueueJson : JsonSerializerContext;
