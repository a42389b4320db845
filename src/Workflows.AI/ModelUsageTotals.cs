namespace Workflows.AI;

/// <summary>A run's model usage, added up from its <see cref="ModelUsage"/> events.</summary>
/// <param name="Calls">How many model calls.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="TotalTokens">All tokens.</param>
/// <param name="EstimatedCost">The sum of the calls' estimated costs; <see langword="null"/> when none had a price.</param>
public sealed record ModelUsageTotals(int Calls, long InputTokens, long OutputTokens, long TotalTokens, decimal? EstimatedCost)
{
    /// <summary>Adds up usage events (those of one run's stream, say).</summary>
    /// <param name="usage">The events.</param>
    /// <returns>The totals.</returns>
    public static ModelUsageTotals Of(IEnumerable<ModelUsage> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        int calls = 0;
        long input = 0, output = 0, total = 0;
        decimal? cost = null;
        foreach (ModelUsage call in usage)
        {
            calls++;
            input += call.InputTokens;
            output += call.OutputTokens;
            total += call.TotalTokens;
            if (call.EstimatedCost is { } price)
            {
                cost = (cost ?? 0) + price;
            }
        }

        return new ModelUsageTotals(calls, input, output, total, cost);
    }
}
