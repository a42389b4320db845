using System.Text.Json.Serialization;

namespace Workflows.Durable.Worker;

public sealed record Charge(string Ledger, string Hold, int Amount) : StartEvent;
public sealed record Charged(string Receipt, int Amount, bool Confirmed) : StopEvent;
public sealed record ConfirmCharge(string Receipt) : InputRequiredEvent;
public sealed record Confirmation(bool Confirmed) : HumanResponseEvent;

/// <summary>A payment made once: what the payment service returned, even when the step runs again.</summary>
public sealed record Receipt(string Id, int Amount);

/// <summary>Not in <see cref="OnceJson"/>: a result a durable run cannot record.</summary>
public sealed record Unrecordable(string Id);

/// <summary>
/// Charges a customer through <c>ctx.OnceAsync</c> — the "payment service" appends a line to the
/// ledger file, so every process sees how often it was called — then, while the hold file exists,
/// hangs (for the test to SIGKILL its worker), then asks for a confirmation (so the step runs again
/// from the top once answered).
/// </summary>
[Workflow]
public partial class ChargeFlow
{
    [Step]
    public static async Task<Charged> Pay(Charge charge, WorkflowContext ctx, CancellationToken ct)
    {
        Receipt receipt = await ctx.OnceAsync("charge", async token =>
        {
            await File.AppendAllTextAsync(charge.Ledger, $"{ctx.RunId} {charge.Amount}\n", token);
            return new Receipt(Guid.NewGuid().ToString("N"), charge.Amount);
        }, ct);

        while (File.Exists(charge.Hold))
        {
            await Task.Delay(50, ct);
        }

        Confirmation confirmation = await ctx.WaitForAsync<Confirmation>(new ConfirmCharge(receipt.Id), ct);
        return new Charged(receipt.Id, receipt.Amount, confirmation.Confirmed);
    }
}

public sealed record Misuse(string Kind) : StartEvent;
public sealed record MisuseDone(string Value) : StopEvent;

/// <summary>Ways to misuse OnceAsync: a result the JSON context cannot record, a key used twice; and a retried attempt, which gets the recorded result.</summary>
[Workflow]
public partial class OnceMisuseFlow
{
    /// <summary>How often each run's work ran, by run id.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Calls = new();

    [Step(MaxAttempts = 2, RetryDelayMs = 10)]
    public static async Task<MisuseDone> Use(Misuse misuse, WorkflowContext ctx, CancellationToken ct)
    {
        switch (misuse.Kind)
        {
            case "unrecordable":
                Unrecordable value = await ctx.OnceAsync("lookup", _ => Count(ctx, new Unrecordable("x")), ct);
                return new MisuseDone(value.Id);
            case "twice":
                string first = await ctx.OnceAsync("lookup", _ => Count(ctx, "a"), ct);
#pragma warning disable WF0023 // The misuse this flow exists for: the runtime must refuse it too.
                string second = await ctx.OnceAsync("lookup", _ => Count(ctx, "b"), ct);
#pragma warning restore WF0023
                return new MisuseDone(first + second);
            default:
                // Fails its first attempt after the work: the retry gets the recorded value, and the work is not repeated.
                string id = await ctx.OnceAsync("id", _ => Count(ctx, Guid.NewGuid().ToString("N")), ct);
                return ctx.Attempt == 1 ? throw new TimeoutException("the mail server timed out") : new MisuseDone(id);
        }
    }

    private static ValueTask<T> Count<T>(WorkflowContext ctx, T value)
    {
        Calls.AddOrUpdate(ctx.RunId, 1, (_, n) => n + 1);
        return ValueTask.FromResult(value);
    }
}

[JsonSerializable(typeof(Charge))]
[JsonSerializable(typeof(Charged))]
[JsonSerializable(typeof(ConfirmCharge))]
[JsonSerializable(typeof(Confirmation))]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(Misuse))]
[JsonSerializable(typeof(MisuseDone))]
[JsonSerializable(typeof(string))]
public sealed partial class OnceJson : JsonSerializerContext;
