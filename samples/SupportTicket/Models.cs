using System.ClientModel;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace SupportTicket;

/// <summary>
/// Which model answers: an OpenAI-compatible endpoint when <c>OPENAI_API_KEY</c> is set (with
/// <c>OPENAI_BASE_URL</c> and <c>OPENAI_MODEL</c>, default gpt-4.1-mini), an Ollama server when
/// <c>OLLAMA_URL</c> is set (with <c>OLLAMA_MODEL</c>, default llama3.2), else the offline scripted
/// model below. The workflow sees an <see cref="IChatClient"/> either way: the same code path.
/// </summary>
internal static class Models
{
    public static (IChatClient Client, string Label) FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
        {
            string model = Environment.GetEnvironmentVariable("OPENAI_MODEL") is { Length: > 0 } m ? m : "gpt-4.1-mini";
            var options = new OpenAIClientOptions();
            if (Environment.GetEnvironmentVariable("OPENAI_BASE_URL") is { Length: > 0 } url)
            {
                options.Endpoint = new Uri(url);
            }

            return (new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(model).AsIChatClient(), $"{model} (OpenAI-compatible, {options.Endpoint?.ToString() ?? "api.openai.com"})");
        }

        if (Environment.GetEnvironmentVariable("OLLAMA_URL") is { Length: > 0 } ollama)
        {
            string model = Environment.GetEnvironmentVariable("OLLAMA_MODEL") is { Length: > 0 } m ? m : "llama3.2";
            return (new OllamaApiClient(new Uri(ollama), model), $"{model} (Ollama, {ollama})");
        }

        return (new ScriptedSupportModel(), "scripted (offline: canned answers, no model; set OPENAI_API_KEY or OLLAMA_URL for a real one)");
    }
}

/// <summary>
/// NOT A MODEL: canned answers so the sample runs offline. It answers the triage request with JSON
/// (the first time with a classification lacking keywords, to show the repair the workflow asks for)
/// and the drafting request with a reply built from the ticket.
/// </summary>
internal sealed class ScriptedSupportModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> conversation = [.. messages];
        string ticket = conversation.FirstOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        string answer;
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            bool repairing = conversation.Count > 2;
            string category = ticket.Contains("charge", StringComparison.OrdinalIgnoreCase) || ticket.Contains("invoice", StringComparison.OrdinalIgnoreCase) ? "billing"
                : ticket.Contains("password", StringComparison.OrdinalIgnoreCase) || ticket.Contains("login", StringComparison.OrdinalIgnoreCase) ? "accounts"
                : "technical";
            string[] keywords = [.. ticket.Split([' ', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 5).Take(3).Select(w => w.ToLowerInvariant())];
            answer = repairing
                ? $$"""{"Category":"{{category}}","Urgency":"high","Keywords":[{{string.Join(",", keywords.Select(k => $"\"{k}\""))}}]}"""
                : $$"""{"Category":"{{category}}","Urgency":"high","Keywords":[]}""";
        }
        else
        {
            string signature = conversation.FirstOrDefault(m => m.Role == ChatRole.System)?.Text is { } system && system.IndexOf("Sign as '", StringComparison.Ordinal) is var at and >= 0
                ? system[(at + 9)..system.IndexOf('\'', at + 9)]
                : "Support";
            answer = $"Hello, thank you for telling us. We are sorry about this and are looking into it now; you will hear from us within a day.\n{signature}";
        }

        int input = conversation.Sum(m => m.Text.Length) / 4;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = "scripted",
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = answer.Length / 4, TotalTokenCount = input + (answer.Length / 4) },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (string word in response.Text.Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = response.ModelId };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
