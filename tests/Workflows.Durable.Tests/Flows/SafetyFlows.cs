using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Poison(string Id) : StartEvent;
public sealed record Poisoned(string Id) : StopEvent;

/// <summary>A value the workflow keeps in state, which its JSON context does not cover.</summary>
public sealed record Secret(string Value);

/// <summary>
/// A step that keeps a value its JSON context cannot store: every attempt's outputs are unstorable,
/// so each attempt fails and the run fails after <c>MaxAttempts</c> — it never loops.
/// </summary>
[Workflow]
public partial class PoisonFlow
{
    public static readonly ConcurrentDictionary<string, int> Runs = new();

    [Step(MaxAttempts = 2)]
    public static Poisoned Keep(Poison poison, WorkflowContext ctx)
    {
        Runs.AddOrUpdate(poison.Id, 1, (_, n) => n + 1);
        // WF0021 says at build time what this test proves at run time: the context cannot store a Secret.
#pragma warning disable WF0021
        ctx.Store.Set("secret", new Secret("s3cr3t"));
#pragma warning restore WF0021
        return new Poisoned(poison.Id);
    }
}

/// <summary>The AOT-safe context of <see cref="PoisonFlow"/>, missing <see cref="Secret"/> on purpose.</summary>
[JsonSerializable(typeof(Poison))]
[JsonSerializable(typeof(Poisoned))]
public sealed partial class PoisonJson : JsonSerializerContext;

public sealed record Count3(string Id) : StartEvent;
public sealed record Counted3(IReadOnlyList<int> Attempts) : StopEvent;

/// <summary>Fails twice, then succeeds, and reports the attempt number each execution saw.</summary>
[Workflow]
public partial class AttemptFlow
{
    public static readonly ConcurrentDictionary<string, List<int>> Seen = new();

    [Step(MaxAttempts = 3)]
    public static Counted3 Try(Count3 count, WorkflowContext ctx)
    {
        List<int> seen = Seen.GetOrAdd(count.Id, _ => []);
        lock (seen)
        {
            seen.Add(ctx.Attempt);
        }

        return ctx.Attempt < 3 ? throw new TimeoutException($"attempt {ctx.Attempt}") : new Counted3([.. seen]);
    }
}

public sealed record Skew(string Id) : StartEvent;
public sealed record GoLeft(string Id) : Event;
public sealed record GoRight(string Id) : Event;
public sealed record Saw(string Side, bool SawOther) : Event;
public sealed record Skewed(bool LeftSawRight, bool RightSawLeft) : StopEvent;

/// <summary>
/// Write skew: Left reads "right" and writes "left"; Right reads "left" and writes "right"; both read
/// before either writes (a barrier makes them overlap). Serializable state means at least one of
/// them sees the other's write; a commit that checked only what it wrote lets both see nothing.
/// </summary>
[Workflow]
public partial class SkewFlow
{
    public static readonly ConcurrentDictionary<string, Barrier> Barriers = new();

    [Step, Emits(typeof(GoLeft)), Emits(typeof(GoRight))]
    public static void Split(Skew skew, WorkflowContext ctx)
    {
        ctx.Send(new GoLeft(skew.Id));
        ctx.Send(new GoRight(skew.Id));
    }

    [Step]
    public static Saw Left(GoLeft go, WorkflowContext ctx) => Visit(go.Id, ctx, mine: "left", other: "right");

    [Step]
    public static Saw Right(GoRight go, WorkflowContext ctx) => Visit(go.Id, ctx, mine: "right", other: "left");

    [Step]
    public static Skewed? Join(Saw saw, WorkflowContext ctx) =>
        ctx.Collect(saw, 2) is { } both
            ? new Skewed(both.Single(s => s.Side == "left").SawOther, both.Single(s => s.Side == "right").SawOther)
            : null;

    private static Saw Visit(string id, WorkflowContext ctx, string mine, string other)
    {
        bool sawOther = ctx.Store.TryGet(other, out bool _);

        // The first executions of both steps meet here, so both have read before either commits; a step
        // run again (after a conflict) finds no partner and goes on after the timeout.
        Barriers.GetOrAdd(id, _ => new Barrier(2)).SignalAndWait(TimeSpan.FromSeconds(2));
        ctx.Store.Set(mine, true);
        return new Saw(mine, sawOther);
    }
}

public sealed record Nap(int Milliseconds) : StartEvent;
public sealed record Napped(int Milliseconds) : StopEvent;

/// <summary>One step that takes its time: long enough for its lease to be renewed.</summary>
[Workflow]
public partial class SlowFlow
{
    [Step]
    public static async Task<Napped> Sleep(Nap nap, CancellationToken ct)
    {
        await Task.Delay(nap.Milliseconds, ct);
        return new Napped(nap.Milliseconds);
    }
}

/// <summary>One step that, cancelled, takes a moment to stop: a stop must wait for it.</summary>
[Workflow]
public partial class LingerFlow
{
    [Step]
    public static async Task<Napped> Linger(Nap nap, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            await Task.Delay(nap.Milliseconds, CancellationToken.None);
            throw;
        }

        return new Napped(nap.Milliseconds);
    }
}

[JsonSerializable(typeof(Nap))]
[JsonSerializable(typeof(Napped))]
[JsonSerializable(typeof(Count3))]
[JsonSerializable(typeof(Counted3))]
[JsonSerializable(typeof(Skew))]
[JsonSerializable(typeof(GoLeft))]
[JsonSerializable(typeof(GoRight))]
[JsonSerializable(typeof(Saw))]
[JsonSerializable(typeof(Skewed))]
[JsonSerializable(typeof(bool))]
public sealed partial class SafetyJson : JsonSerializerContext;
