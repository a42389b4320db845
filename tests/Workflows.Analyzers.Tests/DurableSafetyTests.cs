using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers.Tests;

/// <summary>
/// WF0020: in a durable workflow's step, what comes before ctx.WaitForAsync runs again when the answer
/// arrives — side effects happen twice, values from the clock, Guid.NewGuid or Random change.
/// </summary>
public class DurableSafetyTests
{
    private const string Events = """
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;
        using Workflows.Durable;

        public sealed record Order(string Id) : StartEvent;
        public sealed record Asked(string Text) : InputRequiredEvent;
        public sealed record Answer(bool Yes) : HumanResponseEvent;
        public sealed record Noted(string Id) : Event;
        public sealed record Shipped(string Id) : StopEvent;

        [JsonSerializable(typeof(Order))]
        [JsonSerializable(typeof(Asked))]
        [JsonSerializable(typeof(Answer))]
        [JsonSerializable(typeof(Noted))]
        [JsonSerializable(typeof(Shipped))]
        public sealed class Json : JsonSerializerContext
        {
            public Json() : base(null) { }
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        """;

    private const string Durable = """

        public static class Setup
        {
            public static WorkflowRuntime Add(WorkflowRuntime runtime) => runtime.Register(() => new Flow(new HttpClient()), new Json());
        }
        """;

    private static Expected Repeated(string what, string consequence, string advice) => new(
        "WF0020",
        $"'Ask' {what} before ctx.WaitForAsync; workflow 'Flow' is durable, so the step runs again from its start when the answer arrives and {consequence}. {advice}",
        DiagnosticSeverity.Warning);
    private const string SideEffect = "Do it after the wait, in a step of its own, or make it idempotent";
    private const string Value = "Take it from the event or the run's state, or after the wait";

    [Fact]
    public Task WF0020_fires_on_each_side_effect_and_changing_value_before_the_wait_of_a_durable_step() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step, Emits(typeof(Noted))]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    await [|http.PostAsync("https://billing.example.com/hold", null, ct)|];
                    [|File.AppendAllText("orders.log", order.Id)|];
                    [|ctx.Send(new Noted(order.Id))|];
                    string reference = [|Guid.NewGuid()|].ToString();
                    DateTime asked = [|DateTime.UtcNow|];
                    int pick = [|Random.Shared.Next(10)|];
                    Answer answer = await ctx.WaitForAsync<Answer>(new Asked($"Ship {order.Id}? {reference} {asked} {pick}"), ct);
                    File.AppendAllText("orders.log", "answered");
                    return new(order.Id + Guid.NewGuid());
                }

                [Step] public static void Log(Noted noted) { }
            }
            """ + Durable,
            Repeated("calls HttpClient.PostAsync", "makes the call again", SideEffect),
            Repeated("calls File.AppendAllText", "it happens twice", SideEffect),
            Repeated("sends an event with ctx.Send", "sends it again", SideEffect),
            Repeated("takes Guid.NewGuid()", "the value is different the second time", Value),
            Repeated("reads the clock (DateTime.UtcNow)", "the value is different the second time", Value),
            Repeated("takes a random number (Random.Next)", "the value is different the second time", Value));

    [Fact]
    public Task WF0020_is_silent_for_the_same_code_in_a_workflow_that_runs_in_memory() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    await http.PostAsync("https://billing.example.com/hold", null, ct);
                    string reference = Guid.NewGuid().ToString();
                    Answer answer = await ctx.WaitForAsync<Answer>(new Asked($"Ship {order.Id}? {reference}"), ct);
                    return new(order.Id);
                }
            }
            """);

    [Fact]
    public Task WF0020_is_silent_after_the_wait_and_in_durable_steps_that_do_not_wait() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Noted> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    Answer answer = await ctx.WaitForAsync<Answer>(new Asked($"Ship {order.Id}?"), ct);
                    await http.PostAsync("https://billing.example.com/ship", null, ct);
                    return new(order.Id + Guid.NewGuid() + DateTime.UtcNow);
                }

                [Step]
                public async Task<Shipped> Ship(Noted noted, CancellationToken ct)
                {
                    await http.PostAsync("https://carrier.example.com/pickup", null, ct);
                    File.AppendAllText("orders.log", noted.Id + Guid.NewGuid());
                    return new(noted.Id);
                }
            }
            """ + Durable);
}
