using Workflows;

namespace HostedOrders;

public sealed record OrderPlaced(string OrderId, string Sku, int Quantity) : StartEvent;
public sealed record OrderPriced(string OrderId, string Sku, int Quantity, decimal Total) : Event;
public sealed record StockReserved(string OrderId, decimal Total) : Event;
public sealed record OrderDone(string OrderId, string Outcome) : StopEvent;

/// <summary>
/// Prices an order with a catalog from the container (whose first call for an order fails, to show
/// a retry), reserves stock, and finishes; an unknown product is caught by an error handler.
/// </summary>
[Workflow]
public partial class OrderFlow(IPriceCatalog catalog, IStock stock)
{
    [Step(MaxAttempts = 3, RetryDelayMs = 50, Backoff = Backoff.Exponential)]
    public async Task<OrderPriced> Price(OrderPlaced order, CancellationToken ct)
    {
        decimal unit = await catalog.PriceOfAsync(order.Sku, ct);
        return new OrderPriced(order.OrderId, order.Sku, order.Quantity, unit * order.Quantity);
    }

    [Step]
    public StockReserved Reserve(OrderPriced priced)
    {
        stock.Reserve(priced.Sku, priced.Quantity);
        return new StockReserved(priced.OrderId, priced.Total);
    }

    [Step]
    public static OrderDone Ship(StockReserved reserved) => new(reserved.OrderId, $"shipped, {reserved.Total:0.00} EUR");

    [Step, CatchErrors(nameof(Price))]
    public static OrderDone Reject(StepFailedEvent failed) =>
        new(((OrderPlaced)failed.Event).OrderId, $"rejected: {failed.Exception.Message}");
}
