namespace Workflows.Durable.Tests.Flows;

public sealed record Ticks(int Count) : StartEvent;
public sealed record Tick(int N) : Event;
public sealed record Ticked(int Count) : StopEvent;

/// <summary>Writes many events to its stream in one step: a journal longer than one page.</summary>
[Workflow]
public partial class TickingFlow
{
    [Step]
    public static Ticked Run(Ticks ticks, WorkflowContext ctx)
    {
        for (int n = 1; n <= ticks.Count; n++)
        {
            ctx.WriteToStream(new Tick(n));
        }

        return new Ticked(ticks.Count);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Ticks))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Tick))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Ticked))]
public sealed partial class TickingJson : System.Text.Json.Serialization.JsonSerializerContext;
