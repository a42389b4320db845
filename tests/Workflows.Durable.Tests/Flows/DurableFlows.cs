using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Order(string Id, int Items) : StartEvent;
public sealed record Pick(string Id, int Item) : Event;
public sealed record Picked(string Id, int Item, int Weight) : Event;
public sealed record Packed(string Id, int TotalWeight) : Event;
public sealed record ApprovalNeeded(string Id, int TotalWeight) : InputRequiredEvent;
public sealed record Approval(bool Approved, string By) : HumanResponseEvent;
public sealed record Reminder(string Id) : Event;
public sealed record Shipped(string Id, int TotalWeight, string ApprovedBy, bool Reminded) : StopEvent;

/// <summary>
/// Everything durable at once: fan-out and fan-in through state, a human wait in the middle of a
/// step (WaitForAsync), a durable timer, and state read across steps.
/// </summary>
[Workflow]
public partial class ShippingFlow
{
    [Step, Emits(typeof(Pick))]
    public static void Split(Order order, WorkflowContext ctx)
    {
        ctx.Store.Set("items", order.Items);
        for (int i = 1; i <= order.Items; i++)
        {
            ctx.Send(new Pick(order.Id, i));
        }
    }

    [Step(Workers = 4)]
    public static async Task<Picked> PickItem(Pick pick, CancellationToken ct)
    {
        await Task.Delay(5, ct);
        return new Picked(pick.Id, pick.Item, pick.Item * 10);
    }

    [Step]
    public static Packed? Pack(Picked picked, WorkflowContext ctx) =>
        ctx.Collect(picked, ctx.Store.Get<int>("items")) is { } all ? new Packed(picked.Id, all.Sum(p => p.Weight)) : null;

    [Step, Emits(typeof(Reminder))]
    public static async Task<Shipped?> Approve(Packed packed, WorkflowContext ctx, CancellationToken ct)
    {
        ctx.SendAfter(new Reminder(packed.Id), TimeSpan.FromMilliseconds(300));
        Approval approval = await ctx.WaitForAsync<Approval>(new ApprovalNeeded(packed.Id, packed.TotalWeight), ct);
        ctx.Store.Set("approvedBy", approval.By);
        ctx.Store.Set("weight", packed.TotalWeight);
        return ctx.Store.TryGet("reminded", out bool reminded) && reminded
            ? new Shipped(packed.Id, packed.TotalWeight, approval.By, Reminded: true)
            : null;
    }

    [Step]
    public static Shipped? Remind(Reminder reminder, WorkflowContext ctx)
    {
        ctx.Store.Set("reminded", true);
        return ctx.Store.TryGet("approvedBy", out string? by)
            ? new Shipped(reminder.Id, ctx.Store.Get<int>("weight"), by!, Reminded: true)
            : null;
    }
}

public sealed record Ticket(string Text) : StartEvent;
public sealed record Triaged(string Text) : Event;
public sealed record Answered(string Text) : StopEvent;
public sealed record NeedsAgent(string Text) : InputRequiredEvent;
public sealed record AgentReply(string Reply) : HumanResponseEvent;

/// <summary>Human in the loop by events: a step asks, another consumes the answer.</summary>
[Workflow]
public partial class SupportFlow
{
    [Step]
    public static NeedsAgent Ask(Ticket ticket) => new(ticket.Text);

    [Step]
    public static Answered Reply(AgentReply reply) => new(reply.Reply);
}

public sealed record Flaky(int FailTimes) : StartEvent;
public sealed record FlakyDone(int Attempts, string How) : StopEvent;

/// <summary>Fails a given number of times (tracked in a static counter per run), with a durable retry delay and an error handler.</summary>
[Workflow]
public partial class FlakyFlow
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Attempts = new();

    [Step(MaxAttempts = 3, RetryDelayMs = 100)]
    public static FlakyDone Work(Flaky flaky, WorkflowContext ctx)
    {
        int attempt = Attempts.AddOrUpdate(ctx.RunId, 1, (_, n) => n + 1);
        return attempt <= flaky.FailTimes ? throw new TimeoutException($"attempt {attempt} timed out") : new FlakyDone(attempt, "worked");
    }

    [Step, CatchErrors(nameof(Work))]
    public static FlakyDone Fallback(StepFailedEvent failed) => new(failed.Attempts, $"fallback after {failed.Exception.Message}");
}

public sealed record Doomed : StartEvent;
public sealed record NeverDone : StopEvent;

/// <summary>Always fails.</summary>
[Workflow]
public partial class DoomedFlow
{
    [Step]
    public static NeverDone Explode(Doomed doomed) => throw new FormatException("bad input");
}

public sealed record Chapter(int Sections) : StartEvent;
public sealed record Section(int Number) : Event;
public sealed record SectionRead(int Number) : Event;
public sealed record ChapterRead(int Sections) : StopEvent;

/// <summary>Fan-out and fan-in in the signatures: each section is read in a branch of its own, then gathered.</summary>
[Workflow]
public partial class ChapterFlow
{
    [Step]
    public static Section[] Split(Chapter chapter) => [.. Enumerable.Range(0, chapter.Sections).Select(i => new Section(i))];

    [Step]
    public static SectionRead Read(Section section) => new(section.Number);

    [Step]
    public static ChapterRead Gather(IReadOnlyList<SectionRead> sections) => new(sections.Count);
}

/// <summary>The AOT-safe path: a source-generated context for every event and state value.</summary>
[JsonSerializable(typeof(Chapter))]
[JsonSerializable(typeof(Section))]
[JsonSerializable(typeof(SectionRead))]
[JsonSerializable(typeof(ChapterRead))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Pick))]
[JsonSerializable(typeof(Picked))]
[JsonSerializable(typeof(Packed))]
[JsonSerializable(typeof(ApprovalNeeded))]
[JsonSerializable(typeof(Approval))]
[JsonSerializable(typeof(Reminder))]
[JsonSerializable(typeof(Shipped))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(Triaged))]
[JsonSerializable(typeof(Answered))]
[JsonSerializable(typeof(NeedsAgent))]
[JsonSerializable(typeof(AgentReply))]
[JsonSerializable(typeof(Flaky))]
[JsonSerializable(typeof(FlakyDone))]
[JsonSerializable(typeof(Doomed))]
[JsonSerializable(typeof(NeverDone))]
public sealed partial class TestJson : JsonSerializerContext;

public sealed record Schedule(int Seconds) : StartEvent;
public sealed record Wake(DateTimeOffset ScheduledAt) : Event;
public sealed record Woke(DateTimeOffset ScheduledAt, DateTimeOffset WokeAt) : StopEvent;

/// <summary>Sets a durable timer and ends when it fires.</summary>
[Workflow]
public partial class TimerFlow
{
    [Step, Emits(typeof(Wake))]
    public static void Arm(Schedule schedule, WorkflowContext ctx) =>
        ctx.SendAfter(new Wake(DateTimeOffset.UtcNow), TimeSpan.FromSeconds(schedule.Seconds));

    [Step]
    public static Woke Fire(Wake wake) => new(wake.ScheduledAt, DateTimeOffset.UtcNow);
}

[JsonSerializable(typeof(Schedule))]
[JsonSerializable(typeof(Wake))]
[JsonSerializable(typeof(Woke))]
public sealed partial class TimerJson : JsonSerializerContext;

public sealed record Greet(string Name) : StartEvent;
public sealed record Greeted(string Text) : StopEvent;

/// <summary>A per-delivery service, disposed with the delivery's DI scope.</summary>
public sealed class Stamp : IDisposable
{
    private static int s_created;
    private static int s_disposed;

    public Stamp() => Number = Interlocked.Increment(ref s_created);

    public int Number { get; }

    public static int Disposed => Volatile.Read(ref s_disposed);

    public void Dispose() => Interlocked.Increment(ref s_disposed);
}

/// <summary>A durable workflow whose constructor takes a service from the container.</summary>
[Workflow]
public partial class InjectedDurableFlow(Stamp stamp)
{
    [Step]
    public Greeted Hello(Greet greet) => new($"hello {greet.Name} (stamp {stamp.Number})");
}

[JsonSerializable(typeof(Greet))]
[JsonSerializable(typeof(Greeted))]
public sealed partial class GreetJson : JsonSerializerContext;
