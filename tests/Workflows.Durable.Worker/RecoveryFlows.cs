using System.Text.Json.Serialization;

namespace Workflows.Durable.Worker;

public sealed record Sleep(int Milliseconds) : StartEvent;
public sealed record Slept(string Worker) : StopEvent;

/// <summary>One long step, to kill a worker in the middle of: which process ran it to the end says who took it over.</summary>
[Workflow]
public partial class SleepFlow
{
    /// <summary>Set by each process to what it calls itself.</summary>
    public static string Process { get; set; } = "unnamed";

    /// <summary>Raised when the step starts in this process.</summary>
    public static event Action? Started;

    [Step]
    public static async Task<Slept> Nap(Sleep sleep, CancellationToken ct)
    {
        Started?.Invoke();
        await Task.Delay(sleep.Milliseconds, ct);
        return new Slept(Process);
    }
}

public sealed record Ping(string Id) : StartEvent;
public sealed record PingAsked(string Id) : InputRequiredEvent;
public sealed record Pong(DateTimeOffset SentAt) : HumanResponseEvent;
public sealed record Ponged(double LatencyMilliseconds) : StopEvent;

/// <summary>Waits for an answer and says how long after it was sent the step ran again — in the process that ran it.</summary>
[Workflow]
public partial class PingFlow
{
    [Step]
    public static async Task<Ponged> Ask(Ping ping, WorkflowContext ctx, CancellationToken ct)
    {
        Pong pong = await ctx.WaitForAsync<Pong>(new PingAsked(ping.Id), ct);
        return new Ponged((DateTimeOffset.UtcNow - pong.SentAt).TotalMilliseconds);
    }
}

[JsonSerializable(typeof(Sleep))]
[JsonSerializable(typeof(Slept))]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(PingAsked))]
[JsonSerializable(typeof(Pong))]
[JsonSerializable(typeof(Ponged))]
public sealed partial class RecoveryJson : JsonSerializerContext;
