using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Workflows.AI;

namespace Workflows.Server.Tests;

public sealed record RefundAsked(string Order) : StartEvent;
public sealed record RefundDone(string Answer) : StopEvent;

/// <summary>An agent whose refund tool needs a person's approval; its "model" calls the tool once, then repeats the tool's result.</summary>
[Workflow]
public partial class ToolApprovalFlow
{
    /// <summary>Refunds made, by order: the tool's side effect.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Refunds = new(StringComparer.Ordinal);

    private static readonly AIFunction Refund = AIFunctionFactory.Create(
        (string order, decimal amount) =>
        {
            Refunds[order] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return $"refunded {amount} for {order}";
        },
        "refund",
        "Refunds an order.",
        ToolApprovalJson.Default.Options);

    [Step]
    public static async Task<RefundDone> Handle(RefundAsked asked, WorkflowContext ctx, CancellationToken ct)
    {
        AgentResult result = await ctx.RunAgentAsync("agent", new RefundModel(asked.Order), [new(ChatRole.User, $"Refund {asked.Order}.")], [new ApprovalRequiredAIFunction(Refund)], cancellationToken: ct);
        return new RefundDone(result.Text);
    }

    /// <summary>Not a model: asks for a refund of 80, then answers with what the tool said.</summary>
    private sealed class RefundModel(string order) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            FunctionResultContent? result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
            ChatMessage answer = result is null
                ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "refund", new Dictionary<string, object?> { ["order"] = order, ["amount"] = 80 })])
                : new ChatMessage(ChatRole.Assistant, $"Done: {result.Result}");
            return Task.FromResult(new ChatResponse(answer) { ModelId = "refund-model" });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (ChatResponseUpdate update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

[JsonSerializable(typeof(RefundAsked))]
[JsonSerializable(typeof(RefundDone))]
[JsonSerializable(typeof(ModelUsage))]
[JsonSerializable(typeof(ToolApprovalRequested))]
[JsonSerializable(typeof(ToolDecision))]
[JsonSerializable(typeof(decimal))]
public sealed partial class ToolApprovalJson : JsonSerializerContext;
