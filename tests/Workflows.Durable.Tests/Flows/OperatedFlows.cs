using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Job(string Customer) : StartEvent;
public sealed record Begun(string Customer) : Event;
public sealed record JobDone(string Customer, int Attempts) : StopEvent;

/// <summary>
/// Two steps: the first tags the run and counts its executions; the second fails while its run is in
/// <see cref="Broken"/> — an outage an operator fixes before retrying the run.
/// </summary>
[Workflow]
public partial class FixableFlow
{
    public static readonly ConcurrentDictionary<string, bool> Broken = new();
    public static readonly ConcurrentDictionary<string, int> Begins = new();
    public static readonly ConcurrentDictionary<string, int> Finishes = new();

    [Step]
    public static Begun Begin(Job job, WorkflowContext ctx)
    {
        Begins.AddOrUpdate(ctx.RunId, 1, (_, n) => n + 1);
        ctx.SetTag("stage", "begun");
        return new Begun(job.Customer);
    }

    [Step(MaxAttempts = 2)]
    public static JobDone Finish(Begun begun, WorkflowContext ctx)
    {
        Finishes.AddOrUpdate(ctx.RunId, 1, (_, n) => n + 1);
        return Broken.ContainsKey(ctx.RunId)
            ? throw new HttpRequestException($"the billing service is down (attempt {ctx.Attempt})")
            : new JobDone(begun.Customer, ctx.Attempt);
    }
}

[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(Begun))]
[JsonSerializable(typeof(JobDone))]
public sealed partial class OperatedJson : JsonSerializerContext;
