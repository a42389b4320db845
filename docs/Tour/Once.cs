using Workflows;

namespace Tour.Once;

public sealed record Charge(string Customer, decimal Amount) : StartEvent;
public sealed record ConfirmCharge(string Receipt) : InputRequiredEvent;
public sealed record Confirmation(bool Confirmed) : HumanResponseEvent;
public sealed record Charged(string Receipt, bool Confirmed) : StopEvent;
public sealed record Receipt(string Id);

/// <summary>The payment service, whatever it is.</summary>
public interface IPayments
{
    ValueTask<Receipt> ChargeAsync(Charge charge, CancellationToken cancellationToken);
}

[Workflow]
public partial class ChargeFlow(IPayments payments)
{
    [Step]
    public async Task<Charged> Pay(Charge charge, WorkflowContext ctx, CancellationToken ct)
    {
        // Recorded in the journal as soon as it returns; a re-run of this step gets it back instead.
        Receipt receipt = await ctx.OnceAsync("charge", token => payments.ChargeAsync(charge, token), ct);
        Confirmation ok = await ctx.WaitForAsync<Confirmation>(new ConfirmCharge(receipt.Id), ct);
        return new Charged(receipt.Id, ok.Confirmed);
    }
}
