namespace Workflows.AI;

/// <summary>
/// What one model call used, written to the run's stream once per call (a call recorded by a durable
/// run and returned to a re-run of its step is not counted again): in the journal, the server's event
/// stream and the dashboard's timeline. <see cref="ModelUsageTotals"/> adds a run's up.
/// </summary>
/// <param name="Key">The call's key in its step (a repaired answer's requests count as one call).</param>
/// <param name="ModelId">The model that answered, as the chat client reported it.</param>
/// <param name="InputTokens">Input (prompt) tokens.</param>
/// <param name="OutputTokens">Output (completion) tokens.</param>
/// <param name="TotalTokens">All tokens, as the provider counts them.</param>
/// <param name="Requests">How many requests the call took (1, plus one per repair, plus tool turns).</param>
/// <param name="EstimatedCost">The cost from <see cref="ModelCallOptions.Prices"/>, if the model has a price there.</param>
public sealed record ModelUsage(string Key, string? ModelId, long InputTokens, long OutputTokens, long TotalTokens, int Requests, decimal? EstimatedCost) : Event;
