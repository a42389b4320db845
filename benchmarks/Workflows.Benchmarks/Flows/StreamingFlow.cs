using Workflows;

namespace Workflows.Benchmarks.Flows;

public sealed record Emit(int Count) : StartEvent;
public sealed record Tick(int Number) : Event;
public sealed record Emitted(int Count) : StopEvent;

/// <summary>One step that writes <c>Count</c> events to the stream.</summary>
[Workflow]
public static partial class StreamingFlow
{
    [Step]
    public static async Task<Emitted> Produce(Emit emit, WorkflowContext ctx)
    {
        await Task.Yield();
        for (int i = 0; i < emit.Count; i++)
        {
            ctx.WriteToStream(new Tick(i));
        }

        return new Emitted(emit.Count);
    }
}
