using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace Workflows.AI.Tests;

/// <summary>Structured answers in memory: the schema asked for, malformed answers repaired within bounds, failures that quote the model, usage and cost.</summary>
public class AskModelTests
{
    [Fact]
    public async Task A_malformed_then_invalid_answer_is_sent_back_with_what_is_wrong_until_it_conforms()
    {
        var chat = new ScriptedChatClient(
            ScriptedChatClient.Says("Sure! The category is billing."),
            ScriptedChatClient.Says("""{"Category":"billing","Keywords":[]}"""),
            ScriptedChatClient.Says("```json\n{\"Category\":\"billing\",\"Keywords\":[\"invoice\"]}\n```"));
        var prices = new ModelPrices().Add("scripted-model", inputPerMillion: 2m, outputPerMillion: 10m);
        var flow = new ClassifyFlow(chat, new ModelCallOptions { Prices = prices });

        ClassifyFlow.Handler handler = flow.RunAsync(new TicketOpened("I was charged twice"));
        List<Event> streamed = [.. await handler.StreamEvents().ToListAsync()];
        Classified classified = await handler;

        Assert.Equal("billing", classified.Category);
        Assert.Equal(["invoice"], classified.Keywords);
        Assert.Equal(3, chat.Requests.Count);
        ChatResponseFormatJson format = Assert.IsType<ChatResponseFormatJson>(chat.Requests[0].Options?.ResponseFormat);
        Assert.Equal("Classified", format.SchemaName);
        Assert.Contains("\"Keywords\"", format.Schema?.GetRawText(), StringComparison.Ordinal);

        // Each repair sends the model its own answer back, then what is wrong with it.
        Assert.Equal(4, chat.Requests[1].Messages.Count);
        Assert.StartsWith("That answer cannot be used: it is not a valid Classified ('S' is an invalid start of a value.", chat.Requests[1].Messages[3].Text, StringComparison.Ordinal);
        Assert.Equal("That answer cannot be used: give at least one keyword. Answer again with only the JSON value, matching the schema.", chat.Requests[2].Messages[5].Text);

        ModelUsage usage = Assert.Single(streamed.OfType<ModelUsage>());
        Assert.Equal(new ModelUsage("classify", "scripted-model", 300, 60, 360, 3, EstimatedCost: ((300 * 2m) + (60 * 10m)) / 1_000_000m), usage);
        Assert.Equal(new ModelUsageTotals(1, 300, 60, 360, usage.EstimatedCost), ModelUsageTotals.Of(streamed.OfType<ModelUsage>()));
    }

    [Fact]
    public async Task An_answer_that_never_conforms_fails_the_step_with_the_last_answer_quoted()
    {
        var chat = new ScriptedChatClient(
            ScriptedChatClient.Says("I cannot help with that."),
            ScriptedChatClient.Says("Still no."),
            ScriptedChatClient.Says("I cannot help with that."),
            ScriptedChatClient.Says("Still no."));

        ModelOutputException error = await Assert.ThrowsAsync<ModelOutputException>(async () => await new ClassifyFlow(chat, new ModelCallOptions { MaxRepairs = 1 }).RunAsync(new TicketOpened("?")));

        Assert.StartsWith("Model 'scripted-model' did not answer 'classify' with a valid Classified in 2 request(s): it is not a valid Classified (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Its last answer was: \"Still no.\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("Still no.", error.LastAnswer);

        // The step's retry policy applies: two attempts of two requests each.
        Assert.Equal(4, chat.Requests.Count);
    }

    [Fact]
    public async Task A_model_endpoint_that_is_down_fails_the_step_after_its_attempts_and_one_that_hangs_times_out()
    {
        var down = new FailingChatClient(_ => throw new HttpRequestException("Connection refused (api.example.com:443)"));
        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(async () => await new ClassifyFlow(down).RunAsync(new TicketOpened("?")));
        Assert.Equal("Connection refused (api.example.com:443)", refused.Message);
        Assert.Equal(2, down.Calls);

        var hanging = new FailingChatClient(async ct => { await Task.Delay(Timeout.Infinite, ct); });
        await Assert.ThrowsAsync<StepTimeoutException>(async () => await new ClassifyFlow(hanging).RunAsync(new TicketOpened("?")));
        Assert.Equal(2, hanging.Calls);
    }

    [Fact]
    public async Task Usage_is_counted_in_the_Workflows_meter_under_the_GenAI_names()
    {
        var tokens = new List<(long Value, string? Type)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Workflows" && instrument.Name == "gen_ai.client.token.usage")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? type = null;
            string? model = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                type = tag.Key == "gen_ai.token.type" ? (string?)tag.Value : type;
                model = tag.Key == "gen_ai.response.model" ? (string?)tag.Value : model;
            }

            if (model == "metered-model")
            {
                lock (tokens)
                {
                    tokens.Add((value, type));
                }
            }
        });
        listener.Start();

        var chat = new ScriptedChatClient(_ => new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"Category":"bug","Keywords":["crash"]}"""))
        {
            ModelId = "metered-model",
            Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3 },
        });
        await new ClassifyFlow(chat).RunAsync(new TicketOpened("it crashes"));

        Assert.Equal([(7L, "input"), (3L, "output")], tokens);
    }

    /// <summary>A model endpoint that fails or hangs, counting the calls.</summary>
    private sealed class FailingChatClient(Func<CancellationToken, Task> fail) : IChatClient
    {
        private int _calls;

        public int Calls => _calls;

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await fail(cancellationToken);
            throw new InvalidOperationException("The failing client answered.");
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await GetResponseAsync(messages, options, cancellationToken);
            yield break;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
