using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Workflows.AI;

namespace Workflows.Durable.Worker;

public sealed record Summarize(string Ledger, string Hold, string Text) : StartEvent;
public sealed record Summary(string Title, int Words);
public sealed record Summarized(string Title, int Words) : StopEvent;

/// <summary>
/// Asks a "model" for a summary — the model appends a line to the ledger file on every call, so any
/// process can count them — then, while the hold file exists, hangs for the test to SIGKILL its worker.
/// </summary>
[Workflow]
public partial class SummaryFlow
{
    [Step]
    public static async Task<Summarized> Summarize(Summarize request, WorkflowContext ctx, CancellationToken ct)
    {
        Summary summary = await ctx.AskModelAsync<Summary>("summary", new LedgerChatClient(request.Ledger), [new(ChatRole.User, request.Text)], ModelJson.Default.Options, cancellationToken: ct);
        while (File.Exists(request.Hold))
        {
            await Task.Delay(50, ct);
        }

        return new Summarized(summary.Title, summary.Words);
    }

    /// <summary>A model that bills: each call is a line in the ledger.</summary>
    private sealed class LedgerChatClient(string ledger) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await File.AppendAllTextAsync(ledger, $"{Environment.ProcessId}\n", cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"Title":"Quarterly report","Words":42}""")) { ModelId = "ledger-model" };
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

[JsonSerializable(typeof(Summarize))]
[JsonSerializable(typeof(Summarized))]
[JsonSerializable(typeof(Summary))]
[JsonSerializable(typeof(ModelUsage))]
public sealed partial class ModelJson : JsonSerializerContext;
