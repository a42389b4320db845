namespace Workflows.Server.Tests;

public sealed record Asked(string Text) : StartEvent;
public sealed record Replied(string Text) : StopEvent;

/// <summary>Asks a model that answers at once and says what it used.</summary>
[Workflow]
public partial class AskFlow
{
    [Step]
    public static async Task<Replied> Ask(Asked question, WorkflowContext ctx, CancellationToken ct) =>
        new(await Workflows.AI.ModelSteps.AskModelTextAsync(ctx, "ask", new CountedModel(), [new(Microsoft.Extensions.AI.ChatRole.User, question.Text)], new Workflows.AI.ModelCallOptions { Prices = new Workflows.AI.ModelPrices().Add("counted", 1m, 2m) }, ct));

    private sealed class CountedModel : Microsoft.Extensions.AI.IChatClient
    {
        public Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.ChatResponse(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "42"))
            {
                ModelId = "counted",
                Usage = new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 500, TotalTokenCount = 1_500 },
            });

        public async IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (Microsoft.Extensions.AI.ChatResponseUpdate update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
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

[System.Text.Json.Serialization.JsonSerializable(typeof(Asked))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Replied))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Workflows.AI.ModelUsage))]
public sealed partial class AskJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A run's model usage on its API view.</summary>
public sealed class ModelUsageApiTests : IAsyncLifetime
{
    private readonly ServerHost _server = new(services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<AskFlow>(AskJson.Default));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_run_whose_steps_call_a_model_shows_its_calls_tokens_and_cost_and_others_show_none()
    {
        HttpClient api = _server.Client();
        Durable.RunRecord run = await _server.Runtime.StartRunAsync<AskFlow>(new Asked("the answer?"));
        System.Text.Json.Nodes.JsonNode detail = await api.WaitForAsync(run.RunId, "completed");

        System.Text.Json.Nodes.JsonNode usage = detail["modelUsage"]!;
        Assert.Equal((1, 1_000L, 500L, 1_500L), ((int)usage["calls"]!, (long)usage["inputTokens"]!, (long)usage["outputTokens"]!, (long)usage["totalTokens"]!));
        Assert.Equal(0.002m, (decimal)usage["estimatedCost"]!);

        string review = await api.StartAsync(Api.CleanReport);
        Assert.Null((await api.WaitForAsync(review, "completed"))["modelUsage"]);
    }
}
