namespace Workflows.Tests.Flows;

public sealed record Survey(IReadOnlyList<int> Groups, int BrokenGroup = -1, int BrokenItem = -1) : StartEvent;
public sealed record Group(int Number, int Size, int BrokenItem) : Event;
public sealed record SurveyItem(int Group, int Index, bool Broken) : Event;
public sealed record ItemDone(int Group, int Index, string How) : Event;
public sealed record GroupDone(IReadOnlyList<string> Items) : Event;
public sealed record SurveyDone(string Summary) : StopEvent;

/// <summary>
/// Fan-out and fan-in in the signatures, nested: the survey fans out groups, each group fans out its
/// items, each group's join gets exactly its own items (in order, however the branches interleave),
/// and the last join gets every group. Item 1 of each group fails once and is retried; a broken
/// item fails for good and its error handler answers for the branch.
/// </summary>
[Workflow]
public partial class NestedFanOutFlow
{
    [Step]
    public static IReadOnlyList<Group> Groups(Survey survey) =>
        [.. survey.Groups.Select((size, g) => new Group(g, size, g == survey.BrokenGroup ? survey.BrokenItem : -1))];

    [Step]
    public static SurveyItem[] Split(Group group) =>
        [.. Enumerable.Range(0, group.Size).Select(i => new SurveyItem(group.Number, i, i == group.BrokenItem))];

    [Step(MaxAttempts = 2)]
    public static async Task<ItemDone> Work(SurveyItem item, WorkflowContext ctx)
    {
        await Task.Yield();
        if (item.Broken)
        {
            throw new InvalidOperationException($"item {item.Group}.{item.Index} is broken");
        }

        if (item.Index == 1 && ctx.Attempt == 1)
        {
            throw new TimeoutException("flaky");
        }

        return new ItemDone(item.Group, item.Index, $"{item.Group}.{item.Index}" + (ctx.Attempt > 1 ? " (retried)" : string.Empty));
    }

    [Step, CatchErrors(nameof(Work))]
    public static ItemDone Fallback(StepFailedEvent failed)
    {
        var item = (SurveyItem)failed.Event;
        return new ItemDone(item.Group, item.Index, $"{item.Group}.{item.Index} ({failed.Exception.Message})");
    }

    [Step]
    public static GroupDone Gather(IReadOnlyList<ItemDone> items) => new([.. items.Select(static i => i.How)]);

    [Step]
    public static SurveyDone All(IReadOnlyList<GroupDone> groups) =>
        new(string.Join(" | ", groups.Select(static g => "[" + string.Join(", ", g.Items) + "]")));
}

public sealed record Batch(int Size, int Silent = -1) : StartEvent;
public sealed record Part(int Index, bool Silent) : Event;
public sealed record PartDone(int Index) : Event;
public sealed record BatchDone(IReadOnlyList<int> Order, int MaxConcurrent) : StopEvent;

/// <summary>
/// One fan-out to a step with three workers whose branches finish out of order: the join still gets
/// the items in the fan-out's order. A silent part (its branch returns nothing) leaves the join waiting.
/// </summary>
[Workflow]
public partial class ParallelFanOutFlow
{
    private int _running;
    private int _maxRunning;

    [Step]
    public static ValueTask<IReadOnlyList<Part>> Split(Batch batch) =>
        new([.. Enumerable.Range(0, batch.Size).Select(i => new Part(i, i == batch.Silent))]);

    [Step(Workers = 3)]
    public async Task<PartDone?> Work(Part part, CancellationToken ct)
    {
        int running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, max) != max)
        {
        }

        // Later parts finish first.
        await Task.Delay(5 * (8 - (part.Index % 8)), ct);
        Interlocked.Decrement(ref _running);
        return part.Silent ? null : new PartDone(part.Index);
    }

    [Step]
    public BatchDone Join(IReadOnlyList<PartDone> parts) => new([.. parts.Select(static p => p.Index)], Volatile.Read(ref _maxRunning));
}

/// <summary>One branch returns nothing: the join waits for it, and the run stalls naming the join and its fan-out.</summary>
[Workflow]
public partial class SilentBranchFlow
{
    [Step]
    public static Part[] Split(Batch batch) => [.. Enumerable.Range(0, batch.Size).Select(i => new Part(i, i == batch.Silent))];

    [Step]
    public static PartDone? Check(Part part) => part.Silent ? null : new PartDone(part.Index);

    [Step]
    public static BatchDone Join(IReadOnlyList<PartDone> parts) => new([.. parts.Select(static p => p.Index)], 1);
}

/// <summary>The third branch sends its item and returns another while a silent branch keeps the join open: a join takes one item per branch, so the run fails.</summary>
[Workflow]
public partial class TwiceBranchFlow
{
    [Step]
    public static Part[] Split(Batch batch) => [.. Enumerable.Range(0, batch.Size).Select(i => new Part(i, i == batch.Silent))];

    [Step, Emits(typeof(PartDone))]
    public static PartDone? Check(Part part, WorkflowContext ctx)
    {
        if (part.Silent)
        {
            return null;
        }

        if (part.Index == 2)
        {
            ctx.Send(new PartDone(part.Index));
        }

        return new PartDone(part.Index);
    }

    [Step]
    public static BatchDone Join(IReadOnlyList<PartDone> parts) => new([.. parts.Select(static p => p.Index)], 1);
}

/// <summary>A fan-out whose list holds a null: the run fails, naming the step and the item.</summary>
[Workflow]
public partial class NullItemFlow
{
    [Step]
    public static Part[] Split(Batch batch) => [new Part(0, false), null!];

    [Step]
    public static PartDone Check(Part part) => new(part.Index);

    [Step]
    public static BatchDone Join(IReadOnlyList<PartDone> parts) => new([.. parts.Select(static p => p.Index)], 1);
}

/// <summary>Each branch sends its item with ctx.Send after an await, instead of returning it: it stays in its branch.</summary>
[Workflow]
public partial class SentBranchFlow
{
    [Step]
    public static Part[] Split(Batch batch) => [.. Enumerable.Range(0, batch.Size).Select(i => new Part(i, false))];

    [Step(Workers = 2), Emits(typeof(PartDone))]
    public static async Task Check(Part part, WorkflowContext ctx)
    {
        await Task.Delay(part.Index % 2 == 0 ? 10 : 1);
        ctx.Send(new PartDone(part.Index));
    }

    [Step]
    public static BatchDone Join(IReadOnlyList<PartDone> parts) => new([.. parts.Select(static p => p.Index)], 1);
}

/// <summary>A join that fails goes to its error handler, which gets the joined items in the failure.</summary>
[Workflow]
public partial class FailingJoinFlow
{
    [Step]
    public static Part[] Split(Batch batch) => [.. Enumerable.Range(0, batch.Size).Select(i => new Part(i, false))];

    [Step]
    public static PartDone Check(Part part) => new(part.Index);

    [Step]
    public static BatchDone Join(IReadOnlyList<PartDone> parts) => throw new InvalidOperationException($"cannot join {parts.Count} parts");

    [Step, CatchErrors(nameof(Join))]
    public static BatchDone Recover(StepFailedEvent failed) =>
        new([.. ((Workflows.Infrastructure.EventList)failed.Event).Items.Cast<PartDone>().Select(static p => p.Index)], -1);
}
