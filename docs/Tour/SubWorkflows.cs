using Workflows;

namespace Tour.SubWorkflows;

public sealed record Quote(IReadOnlyList<string> Items) : StartEvent;
public sealed record Quoted(decimal Price) : StopEvent;
public sealed record Checkout(IReadOnlyList<string> Items) : StartEvent;
public sealed record Charged(decimal Amount) : StopEvent;

[Workflow]
public partial class QuoteFlow
{
    [Step]
    public static Quoted Price(Quote quote) => new(quote.Items.Count * 10m);
}

[Workflow]
public partial class CheckoutFlow
{
    [Step]
    public async Task<Charged> Charge(Checkout checkout, WorkflowContext ctx, CancellationToken ct)
    {
        Quoted quoted = await ctx.RunAsync(new QuoteFlow(), new Quote(checkout.Items), ct);
        return new Charged(quoted.Price);
    }
}
