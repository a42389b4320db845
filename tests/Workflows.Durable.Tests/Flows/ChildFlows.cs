using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Quote(string Id, int Amount) : StartEvent;
public sealed record QuoteAsked(string Id, int Amount) : InputRequiredEvent;
public sealed record QuoteAnswer(int Price) : HumanResponseEvent;
public sealed record Quoted(int Price) : StopEvent;

/// <summary>The child: asks a person for a price (refuses a negative amount).</summary>
[Workflow]
public partial class QuoteFlow
{
    [Step]
    public static QuoteAsked Ask(Quote quote) =>
        quote.Amount < 0 ? throw new ArgumentOutOfRangeException(nameof(quote), "a negative amount cannot be quoted") : new QuoteAsked(quote.Id, quote.Amount);

    [Step]
    public static Quoted Answer(QuoteAnswer answer) => new(answer.Price);
}

public sealed record Purchase(string Id, int Amount) : StartEvent;
public sealed record Purchased(string Id, int Price) : StopEvent;

/// <summary>The parent: runs <see cref="QuoteFlow"/> as a durable child run and adds a fee to its price.</summary>
[Workflow]
public partial class PurchaseFlow
{
    [Step]
    public static async Task<Purchased> Buy(Purchase purchase, WorkflowContext ctx, CancellationToken ct)
    {
        Quoted quoted = await ctx.RunAsync(new QuoteFlow(), new Quote(purchase.Id, purchase.Amount), ct);
        return new Purchased(purchase.Id, quoted.Price + 1);
    }
}

public sealed record Orphan(string Id) : StartEvent;
public sealed record Adopted(string Id) : StopEvent;

/// <summary>Runs a child workflow the runtime was never told about.</summary>
[Workflow]
public partial class UnregisteredChildFlow
{
    [Step]
    public static async Task<Adopted> Run(Orphan orphan, WorkflowContext ctx, CancellationToken ct)
    {
        await ctx.RunAsync(new LoneFlow(), new Lone(), ct);
        return new Adopted(orphan.Id);
    }
}

public sealed record Lone : StartEvent;
public sealed record Alone : StopEvent;

/// <summary>Never registered.</summary>
[Workflow]
public partial class LoneFlow
{
    [Step]
    public static Alone Be(Lone lone) => new();
}

[JsonSerializable(typeof(Quote))]
[JsonSerializable(typeof(QuoteAsked))]
[JsonSerializable(typeof(QuoteAnswer))]
[JsonSerializable(typeof(Quoted))]
[JsonSerializable(typeof(Purchase))]
[JsonSerializable(typeof(Purchased))]
[JsonSerializable(typeof(Orphan))]
[JsonSerializable(typeof(Adopted))]
public sealed partial class ChildJson : JsonSerializerContext;
