using Microsoft.Extensions.AI;

namespace Workflows.AI;

/// <summary>How a step asks a model: the chat options, how often a malformed answer is sent back to be repaired, and prices to estimate cost.</summary>
public sealed class ModelCallOptions
{
    /// <summary>Options for the chat client (model id, temperature, …); copied, never changed. The response format and tools are set by the call.</summary>
    public ChatOptions? Chat { get; init; }

    /// <summary>
    /// How many times an answer that does not parse or validate is sent back to the model, with what
    /// is wrong, before the step fails (default 2: at most three requests). 0 sends none back.
    /// </summary>
    public int MaxRepairs { get; init; } = 2;

    /// <summary>For an agent: how many model turns (answers with tool calls, then the final one) at most (default 8).</summary>
    public int MaxTurns { get; init; } = 8;

    /// <summary>Prices per model, to estimate each call's cost in <see cref="ModelUsage.EstimatedCost"/>; none by default.</summary>
    public ModelPrices? Prices { get; init; }

    internal static readonly ModelCallOptions Default = new();

    /// <summary>What every model call checks first: its arguments, and the options (the defaults when none).</summary>
    internal static ModelCallOptions For(WorkflowContext context, IChatClient client, object messages, ModelCallOptions? options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        options ??= Default;
        options.Check();
        return options;
    }

    private void Check()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRepairs, nameof(MaxRepairs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTurns, 1, nameof(MaxTurns));
    }
}
