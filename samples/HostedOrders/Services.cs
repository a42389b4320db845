using System.Collections.Concurrent;

namespace HostedOrders;

public interface IPriceCatalog
{
    Task<decimal> PriceOfAsync(string sku, CancellationToken cancellationToken);
}

public interface IStock
{
    void Reserve(string sku, int quantity);
}

/// <summary>A catalog whose first lookup of each product times out, as remote catalogs do.</summary>
public sealed class FlakyCatalog : IPriceCatalog
{
    private static readonly Dictionary<string, decimal> Prices = new() { ["BOOK-1"] = 12.50m, ["MUG-7"] = 8.00m };
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public async Task<decimal> PriceOfAsync(string sku, CancellationToken cancellationToken)
    {
        await Task.Delay(20, cancellationToken);
        if (_calls.AddOrUpdate(sku, 1, (_, n) => n + 1) == 1)
        {
            throw new TimeoutException($"catalog timed out looking up {sku}");
        }

        return Prices.TryGetValue(sku, out decimal price) ? price : throw new KeyNotFoundException($"no product {sku}");
    }
}

/// <summary>Stock kept per run: a scoped service, created for each run and disposed with it.</summary>
public sealed class ScopedStock : IStock
{
    public void Reserve(string sku, int quantity)
    {
        // A real system would call the warehouse here.
    }
}
