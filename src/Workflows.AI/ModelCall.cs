using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Workflows.AI;

/// <summary>
/// One model call of a step, done once: the requests (and repairs) run inside <c>ctx.OnceAsync</c>, so
/// a durable run records the answer and a re-run of the step gets it back without asking the model
/// again; the usage is streamed after, from what was recorded, so it is counted once.
/// </summary>
internal static class ModelCall
{
    private const int QuotedLength = 500;

    /// <summary>Asks until the answer parses as <typeparamref name="T"/> and validates, sending the error back at most <see cref="ModelCallOptions.MaxRepairs"/> times.</summary>
    public static async Task<(T Value, RecordedReply Reply)> AskAsync<T>(
        WorkflowContext ctx, string key, IChatClient client, IEnumerable<ChatMessage> messages, JsonTypeInfo<T> type, Func<T, string?>? validate, ModelCallOptions options, CancellationToken cancellationToken)
    {
        JsonElement recorded = await ctx.OnceAsync(key, async token =>
        {
            ChatOptions chat = options.Chat?.Clone() ?? new ChatOptions();
            chat.ResponseFormat = ChatResponseFormat.ForJsonSchema<T>(type.Options, typeof(T).Name);
            var conversation = new List<ChatMessage>(messages);
            var usage = new Accumulated();
            for (int request = 0; ; request++)
            {
                ChatResponse response = await client.GetResponseAsync(conversation, chat, token).ConfigureAwait(false);
                usage.Add(response);
                string text = response.Text;
                string? error = Check(text, type, validate, out _);
                if (error is null)
                {
                    return JsonSerializer.SerializeToElement(usage.Reply(response.Messages), AIJson.Default.RecordedReply);
                }

                if (request >= options.MaxRepairs)
                {
                    throw new ModelOutputException(
                        $"Model '{usage.ModelId ?? "(unnamed)"}' did not answer '{key}' with a valid {typeof(T).Name} in {request + 1} request(s): {error} Its last answer was: {Quote(text)}",
                        text);
                }

                AITelemetry.Repairs.Add(1);
                conversation.AddRange(response.Messages);
                conversation.Add(new ChatMessage(ChatRole.User, $"That answer cannot be used: {error} Answer again with only the JSON value, matching the schema."));
            }
        }, cancellationToken).ConfigureAwait(false);

        RecordedReply reply = Read(recorded, key);
        if (Check(TextOf(reply), type, validate: null, out T? value) is { } unreadable)
        {
            // Recorded by an earlier build whose type read it differently: say so rather than guess.
            throw new ModelOutputException($"The answer recorded for '{key}' no longer reads as a {typeof(T).Name}: {unreadable}", TextOf(reply));
        }

        return (value!, reply);
    }

    /// <summary>Asks once for an agent's turn (tools offered), recorded like any call.</summary>
    public static async Task<RecordedReply> TurnAsync(WorkflowContext ctx, string key, IChatClient client, IList<ChatMessage> conversation, ChatOptions chat, CancellationToken cancellationToken)
    {
        JsonElement recorded = await ctx.OnceAsync(key, async token =>
        {
            ChatResponse response = await client.GetResponseAsync(conversation, chat, token).ConfigureAwait(false);
            return Recorded(response);
        }, cancellationToken).ConfigureAwait(false);
        return Read(recorded, key);
    }

    /// <summary>Asks with streaming: each piece of text goes live as a <see cref="ModelDelta"/>; the whole answer is recorded.</summary>
    public static async Task<RecordedReply> StreamAsync(WorkflowContext ctx, string key, IChatClient client, IList<ChatMessage> conversation, ChatOptions chat, CancellationToken cancellationToken)
    {
        JsonElement recorded = await ctx.OnceAsync(key, async token =>
        {
            string messageId = $"{ctx.RunId}/{key}/{Guid.NewGuid():N}";
            var updates = new List<ChatResponseUpdate>();
            int index = 0;
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(conversation, chat, token).ConfigureAwait(false))
            {
                updates.Add(update);
                if (update.Text is { Length: > 0 } text)
                {
                    ctx.WriteLive(new ModelDelta(key, messageId, index++, text));
                }
            }

            return Recorded(updates.ToChatResponse());
        }, cancellationToken).ConfigureAwait(false);
        return Read(recorded, key);
    }

    /// <summary>The usage of a recorded call, streamed and counted.</summary>
    public static ModelUsage Usage(WorkflowContext ctx, string key, RecordedReply reply, ModelCallOptions options, bool stream = true)
    {
        var usage = new ModelUsage(key, reply.ModelId, reply.InputTokens, reply.OutputTokens, reply.TotalTokens, reply.Requests, options.Prices?.Estimate(reply.ModelId, reply.InputTokens, reply.OutputTokens));
        if (stream)
        {
            ctx.WriteToStream(usage);
            AITelemetry.Record(usage);
        }

        return usage;
    }

    public static List<ChatMessage> MessagesOf(RecordedReply reply)
    {
        var messages = new List<ChatMessage>(reply.Messages.Count);
        JsonTypeInfo info = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));
        foreach (JsonElement message in reply.Messages)
        {
            messages.Add((ChatMessage)message.Deserialize(info)!);
        }

        return messages;
    }

    public static string TextOf(RecordedReply reply) => string.Concat(MessagesOf(reply).Select(m => m.Text));

    /// <summary>What is wrong with an answer, or <see langword="null"/> when it reads as a <typeparamref name="T"/> the validator accepts.</summary>
    private static string? Check<T>(string text, JsonTypeInfo<T> type, Func<T, string?>? validate, out T? value)
    {
        value = default;
        string json = WithoutFence(text);
        if (json.Length == 0)
        {
            return "the answer is empty.";
        }

        try
        {
            value = JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException error)
        {
            return $"it is not a valid {typeof(T).Name} ({error.Message})";
        }

        if (value is null)
        {
            return "the answer is null.";
        }

        return validate?.Invoke(value) is { } invalid ? $"{invalid}." : null;
    }

    /// <summary>Models often wrap JSON in a Markdown code fence: read what is inside.</summary>
    private static string WithoutFence(string text)
    {
        string trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            return trimmed;
        }

        int start = trimmed.IndexOf('\n', StringComparison.Ordinal);
        int end = trimmed.LastIndexOf("```", StringComparison.Ordinal);
        return start >= 0 && end > start ? trimmed[(start + 1)..end].Trim() : trimmed;
    }

    private static string Quote(string text) =>
        text.Length <= QuotedLength ? $"\"{text}\"" : $"\"{text[..QuotedLength]}…\" ({text.Length} characters)";

    /// <summary>One response as a call records it.</summary>
    private static JsonElement Recorded(ChatResponse response)
    {
        var usage = new Accumulated();
        usage.Add(response);
        return JsonSerializer.SerializeToElement(usage.Reply(response.Messages), AIJson.Default.RecordedReply);
    }

    private static RecordedReply Read(JsonElement recorded, string key) =>
        recorded.Deserialize(AIJson.Default.RecordedReply) ?? throw new InvalidOperationException($"The model call recorded for '{key}' is empty.");

    /// <summary>Usage over the requests of one call.</summary>
    private sealed class Accumulated
    {
        private long _input;
        private long _output;
        private long _total;
        private int _requests;

        public string? ModelId { get; private set; }

        public void Add(ChatResponse response)
        {
            _requests++;
            ModelId = response.ModelId ?? ModelId;
            _input += response.Usage?.InputTokenCount ?? 0;
            _output += response.Usage?.OutputTokenCount ?? 0;
            _total += response.Usage?.TotalTokenCount ?? ((response.Usage?.InputTokenCount ?? 0) + (response.Usage?.OutputTokenCount ?? 0));
        }

        public RecordedReply Reply(IList<ChatMessage> messages)
        {
            JsonTypeInfo info = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));
            return new RecordedReply([.. messages.Select(m => JsonSerializer.SerializeToElement(m, info))], ModelId, _input, _output, _total, _requests);
        }
    }
}
