namespace Workflows.Tests.Flows;

public sealed record Checkout(int Orders) : StartEvent;
public sealed record ChargeCard(int Order) : Event;
public sealed record Charged(int Order, string How) : Event;
public sealed record CheckedOut(IReadOnlyList<string> Charges) : StopEvent;

public sealed class PaymentDeclinedException(string message) : Exception(message);

/// <summary>Charges always fail (twice each); the handler recovers at most twice per run.</summary>
[Workflow]
public partial class RecoveringFlow
{
    [Step, Emits(typeof(ChargeCard))]
    public static void Split(Checkout checkout, WorkflowContext ctx)
    {
        ctx.Store.Set("orders", checkout.Orders);
        for (int i = 0; i < checkout.Orders; i++)
        {
            ctx.Send(new ChargeCard(i));
        }
    }

    [Step(MaxAttempts = 2)]
    public static Charged Charge(ChargeCard charge) => throw new PaymentDeclinedException($"card {charge.Order} declined");

    [Step, CatchErrors(nameof(Charge), MaxRecoveries = 2)]
    public static Charged Invoice(StepFailedEvent failed) =>
        new(((ChargeCard)failed.Event).Order, $"invoiced after {failed.Attempts} attempts of {failed.StepName}: {failed.Exception.Message}");

    [Step]
    public static CheckedOut? Join(Charged charged, WorkflowContext ctx) =>
        ctx.Collect(charged, ctx.Store.Get<int>("orders")) is { } all ? new CheckedOut([.. all.OrderBy(c => c.Order).Select(c => c.How)]) : null;
}
