namespace Workflows.AI;

/// <summary>
/// What a model's tokens cost, per million, to turn token usage into an estimated cost. Prices are
/// yours to keep current: providers change them, and this table is never fetched.
/// </summary>
/// <example>
/// <code>
/// var prices = new ModelPrices().Add("gpt-4.1-mini", inputPerMillion: 0.40m, outputPerMillion: 1.60m);
/// </code>
/// </example>
public sealed class ModelPrices
{
    private readonly Dictionary<string, (decimal Input, decimal Output)> _prices = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets the price of a model's tokens.</summary>
    /// <param name="modelId">The model id, as the chat client reports it (case-insensitive).</param>
    /// <param name="inputPerMillion">The price of a million input (prompt) tokens.</param>
    /// <param name="outputPerMillion">The price of a million output (completion) tokens.</param>
    /// <returns>This table.</returns>
    public ModelPrices Add(string modelId, decimal inputPerMillion, decimal outputPerMillion)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentOutOfRangeException.ThrowIfNegative(inputPerMillion);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPerMillion);
        _prices[modelId] = (inputPerMillion, outputPerMillion);
        return this;
    }

    /// <summary>The estimated cost of a call, or <see langword="null"/> when the model has no price here.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <returns>The cost, in the table's currency.</returns>
    public decimal? Estimate(string? modelId, long inputTokens, long outputTokens) =>
        modelId is not null && _prices.TryGetValue(modelId, out (decimal Input, decimal Output) price)
            ? ((inputTokens * price.Input) + (outputTokens * price.Output)) / 1_000_000m
            : null;
}
