using System.Collections.Concurrent;

namespace Workflows.Tests.Flows;

public sealed record ShapesStart(int Value) : StartEvent;
public sealed record S1(int Value) : Event;
public sealed record S2(int Value) : Event;
public sealed record S3(int Value) : Event;
public sealed record S4(int Value) : Event;
public sealed record S5(int Value) : Event;
public sealed record S6(int Value) : Event;
public sealed record S7(int Value) : Event;
public sealed record S8(int Value) : Event;
public sealed record ShapesDone(int Value) : StopEvent;
public abstract record Detour : Event;
public sealed record DetourA : Detour;
public sealed record DetourB : Detour;
public sealed record DetourC : Detour;

/// <summary>Every step shape of DESIGN.md's table, chained so the value passes through all of them.</summary>
[Workflow]
public partial class ShapesFlow
{
    public ConcurrentQueue<string> SideEffects { get; } = new();

    [Step]
    public static S1 ReturnsEvent(ShapesStart start) => new(start.Value + 1);

    [Step]
    internal S2? ReturnsNullableEvent(S1 ev, WorkflowContext ctx) => new(ev.Value + 1);

    [Step]
    private async Task<S3> ReturnsTaskOfEvent(S2 ev, CancellationToken ct)
    {
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return new S3(ev.Value + 1);
    }

    [Step]
    protected static Task<S4?> ReturnsTaskOfNullableEvent(S3 ev, WorkflowContext ctx, CancellationToken ct) =>
        Task.FromResult<S4?>(new S4(ev.Value + 1));

    [Step]
    private static async ValueTask<S5> ReturnsValueTaskOfEvent(S4 ev)
    {
        await Task.Delay(1);
        return new S5(ev.Value + 1);
    }

    [Step]
    private ValueTask<S6?> ReturnsValueTaskOfNullableEvent(S5 ev) => new(new S6(ev.Value + 1));

    [Step]
    private static OneOf<S7, DetourA> ReturnsOneOf(S6 ev) => ev.Value > 0 ? new S7(ev.Value + 1) : new DetourA();

    [Step]
    private static async Task<OneOf<S8, DetourB>> ReturnsTaskOfOneOf(S7 ev)
    {
        await Task.Yield();
        return new S8(ev.Value + 1);
    }

    [Step]
    private static ValueTask<OneOf<ShapesDone, DetourC>> ReturnsValueTaskOfOneOf(S8 ev) =>
        new(new ShapesDone(ev.Value + 1));

    [Step]
    public void ReturnsVoid(S1 ev) => SideEffects.Enqueue($"void {ev.Value}");

    [Step]
    public async Task ReturnsTask(S2 ev, WorkflowContext ctx)
    {
        await Task.Yield();
        SideEffects.Enqueue($"task {ev.Value}");
    }

    [Step]
    public ValueTask ReturnsValueTask(S3 ev, CancellationToken ct)
    {
        SideEffects.Enqueue($"valuetask {ev.Value}");
        return ValueTask.CompletedTask;
    }

    [Step]
    private void Detoured(Detour ev) => SideEffects.Enqueue($"detour {ev}");
}
