using Microsoft.Extensions.AI;

namespace Workflows.AI.Tests;

/// <summary>
/// A chat client that plays back scripted answers, in order, and records every request it gets —
/// the conversation and the options — so a test can say exactly what the model was asked, and how often.
/// </summary>
internal sealed class ScriptedChatClient(params Func<IReadOnlyList<ChatMessage>, ChatResponse>[] script) : IChatClient
{
    private readonly Lock _lock = new();
    private readonly List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> _requests = [];

    public IReadOnlyList<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A text answer with token counts, as a provider reports them.</summary>
    public static Func<IReadOnlyList<ChatMessage>, ChatResponse> Says(string text, long input = 100, long output = 20) =>
        _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = "scripted-model",
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        };

    /// <summary>An answer that calls tools.</summary>
    public static Func<IReadOnlyList<ChatMessage>, ChatResponse> Calls(params FunctionCallContent[] calls) =>
        _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. calls]))
        {
            ModelId = "scripted-model",
            Usage = new UsageDetails { InputTokenCount = 50, OutputTokenCount = 10, TotalTokenCount = 60 },
        };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        int index;
        IReadOnlyList<ChatMessage> asked = [.. messages];
        lock (_lock)
        {
            index = _requests.Count;
            _requests.Add((asked, options));
        }

        return index < script.Length
            ? Task.FromResult(script[index](asked))
            : throw new InvalidOperationException($"The script has {script.Length} answers; request {index + 1} was not expected.");
    }

    /// <summary>The scripted answer word by word, as a streaming provider sends it, then its usage; after each word, <see cref="BetweenWords"/>.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await BeforeStreaming(cancellationToken);
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken);
        string[] words = response.Text.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { ModelId = response.ModelId, MessageId = "m1" };
            await BetweenWords(cancellationToken);
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m1", ModelId = response.ModelId, Contents = [new UsageContent(response.Usage ?? new UsageDetails())] };
    }

    /// <summary>What the stream waits for before its first word: nothing by default.</summary>
    public Func<CancellationToken, Task> BeforeStreaming { get; init; } = _ => Task.CompletedTask;

    /// <summary>What the stream waits for between words: nothing by default.</summary>
    public Func<CancellationToken, Task> BetweenWords { get; init; } = _ => Task.CompletedTask;

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
