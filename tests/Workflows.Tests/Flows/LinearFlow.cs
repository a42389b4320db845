namespace Workflows.Tests.Flows;

public sealed record Begin(int Value) : StartEvent;
public sealed record Doubled(int Value) : Event;
public sealed record Incremented(int Value) : Event;
public sealed record Finished(int Value) : StopEvent;

/// <summary>Three synchronous steps in a line: the smallest real run.</summary>
[Workflow]
public partial class LinearFlow
{
    [Step]
    public static Doubled Twice(Begin begin) => new(begin.Value * 2);

    [Step]
    public Incremented Increment(Doubled doubled) => new(doubled.Value + 1);

    [Step]
    private static Finished Finish(Incremented incremented) => new(incremented.Value);
}
