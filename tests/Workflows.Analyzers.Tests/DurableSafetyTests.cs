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
    private const string SideEffect = "Do it inside ctx.OnceAsync, whose result is recorded and returned to the re-run, or after the wait, or make it idempotent";
    private const string Value = "Take it inside ctx.OnceAsync, whose result is recorded and returned to the re-run, or from the event or the run's state";

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

    [Theory]
    [InlineData("DateTime asked = DateTime.UtcNow;", "DateTime asked = await ctx.OnceAsync(\"asked\", _ => ValueTask.FromResult(DateTime.UtcNow), ct);", "Record it once with ctx.OnceAsync(\"asked\", …)")]
    [InlineData("DateTime asked = DateTime.UtcNow.AddDays(1);", "DateTime asked = (await ctx.OnceAsync(\"utcNow\", _ => ValueTask.FromResult(DateTime.UtcNow), ct)).AddDays(1);", "Record it once with ctx.OnceAsync(\"utcNow\", …)")]
    [InlineData("int asked = await ctx.OnceAsync(\"newGuid\", _ => ValueTask.FromResult(1), ct) + Guid.NewGuid().GetHashCode();", "int asked = await ctx.OnceAsync(\"newGuid\", _ => ValueTask.FromResult(1), ct) + (await ctx.OnceAsync(\"newGuid2\", _ => ValueTask.FromResult(Guid.NewGuid()), ct)).GetHashCode();", "Record it once with ctx.OnceAsync(\"newGuid2\", …)")]
    public async Task WF0020_on_a_value_is_fixed_by_recording_it_once_under_a_key_no_other_call_uses(string before, string after, string title)
    {
        string Source(string line) => Events + $$"""
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                public HttpClient Http => http;

                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    {{line}}
                    Answer answer = await ctx.WaitForAsync<Answer>(new Asked($"Ship {order.Id}? {asked}"), ct);
                    return new(order.Id);
                }
            }
            """ + Durable;

        (string fixedSource, string fixTitle) = await CodeFixTest.ApplyAsync(Source(before), "WF0020", new CodeFixes.RecordOnceCodeFix());

        Assert.Equal(title, fixTitle);
        Assert.Equal(Source(after).ReplaceLineEndings("\n"), fixedSource);
        Assert.DoesNotContain(await AnalyzerTest.AnalyzeAsync(fixedSource), d => d.Id == "WF0020");
        CodeFixTest.AssertCompilesClean(fixedSource);
    }

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

    [Fact]
    public Task WF0020_is_silent_for_work_done_inside_ctx_OnceAsync_and_still_fires_beside_it() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    string hold = await ctx.OnceAsync("hold", async token =>
                    {
                        HttpResponseMessage response = await http.PostAsync("https://billing.example.com/hold", null, token);
                        File.AppendAllText("orders.log", order.Id);
                        return Guid.NewGuid().ToString() + DateTime.UtcNow + response.StatusCode;
                    }, ct);
                    string reference = await ctx.OnceAsync("reference", _ => ValueTask.FromResult(Guid.NewGuid().ToString()), ct);
                    DateTime asked = [|DateTime.UtcNow|];
                    Answer answer = await ctx.WaitForAsync<Answer>(new Asked($"Ship {order.Id}? {hold} {reference} {asked}"), ct);
                    return new(order.Id);
                }
            }
            """ + Durable,
            Repeated("reads the clock (DateTime.UtcNow)", "the value is different the second time", Value));

    [Fact]
    public Task WF0021_fires_on_a_ctx_OnceAsync_result_the_context_cannot_serialize() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            public sealed record Quote(decimal Price);

            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    Quote quote = await [|ctx.OnceAsync("quote", _ => ValueTask.FromResult(new Quote(4m)), ct)|];
                    string id = await ctx.OnceAsync("id", _ => ValueTask.FromResult(order.Id), ct);
                    return new(id + quote.Price);
                }
            }
            """ + Durable,
            new Expected("WF0021", "'Ask' records with ctx.OnceAsync a 'Quote', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Quote))] to 'Json'.", DiagnosticSeverity.Warning));

    [Fact]
    public Task WF0021_fires_on_an_event_written_to_the_stream_or_live_that_the_context_cannot_serialize() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            public sealed record Progress(int Percent) : Event;
            public sealed record Piece(string Text) : Event;

            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public static Shipped Ship(Order order, WorkflowContext ctx)
                {
                    [|ctx.WriteToStream(new Progress(50))|];
                    [|ctx.WriteLive(new Piece("half"))|];
                    ctx.WriteToStream(new Noted(order.Id));
                    return new(order.Id);
                }
            }
            """ + Durable,
            new Expected("WF0021", "'Ship' streams a 'Progress', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Progress))] to 'Json'.", DiagnosticSeverity.Warning),
            new Expected("WF0021", "'Ship' writes live a 'Piece', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Piece))] to 'Json'.", DiagnosticSeverity.Warning));

    private static Expected RepeatedKey(string key, string how, string advice = "") => new(
        "WF0023",
        $"'Ask' calls ctx.OnceAsync with the key '{key}' {how}; a key names one piece of work in the step, and a durable run fails the step when the key comes again. Give each call its own key{advice}.",
        DiagnosticSeverity.Warning);

    [Fact]
    public Task WF0023_fires_on_a_key_used_twice_and_on_a_constant_key_in_a_loop_in_any_workflow() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    string a = await ctx.OnceAsync("quote", _ => ValueTask.FromResult("a"), ct);
                    string b = await ctx.OnceAsync([|"quote"|], _ => ValueTask.FromResult("b"), ct);
                    for (int i = 0; i < 3; i++)
                    {
                        await ctx.OnceAsync([|"call"|], _ => ValueTask.FromResult(i), ct);
                        await ctx.OnceAsync($"call-{i}", _ => ValueTask.FromResult(i), ct);
                    }

                    string c = await ctx.OnceAsync("other", _ => ValueTask.FromResult("c"), ct);

                    // Branches one execution never takes together may use one key.
                    string d = order.Id.Length > 3
                        ? await ctx.OnceAsync("branch", _ => ValueTask.FromResult("long"), ct)
                        : await ctx.OnceAsync("branch", _ => ValueTask.FromResult("short"), ct);
                    switch (order.Id)
                    {
                        case "x": await ctx.OnceAsync("case", _ => ValueTask.FromResult(1), ct); break;
                        default: await ctx.OnceAsync("case", _ => ValueTask.FromResult(2), ct); break;
                    }

                    return new(a + b + c + d);
                }
            }
            """,
            RepeatedKey("quote", "twice"),
            RepeatedKey("call", "inside a loop, so every turn uses it", " (put the loop's index in it)"));

    [Fact]
    public Task WF0021_fires_on_a_stored_value_an_awaited_answer_and_a_prompt_the_context_cannot_serialize() =>
        AnalyzerTest.VerifyAsync(
            Events.Replace("[JsonSerializable(typeof(Asked))]\n", string.Empty, StringComparison.Ordinal) + """
            public sealed record Money(decimal Amount, string Currency);
            public sealed record Limit(int Max);
            public sealed record Wrapper(Limit Inner);
            public sealed record Approval(string By) : HumanResponseEvent;

            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public async Task<Shipped> Ask(Order order, WorkflowContext ctx, CancellationToken ct)
                {
                    [|ctx.Store.Set("price", new Money(4, "EUR"))|];
                    ctx.Store.Set("count", 3);
                    ctx.Store.Set("id", order.Id);
                    Answer answer = await [|ctx.WaitForAsync<Answer>(new Asked("Ship?"), ct)|];
                    Approval approval = await [|[|ctx.WaitForAsync<Approval>(new Asked("Sure?"), ct)|]|];
                    return new(order.Id);
                }
            }
            """ + Durable,
            new Expected("WF0021", "'Ask' keeps in ctx.Store a 'Money', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Money))] to 'Json'.", DiagnosticSeverity.Warning),
            new Expected("WF0021", "'Ask' asks with a 'Asked', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Asked))] to 'Json'.", DiagnosticSeverity.Warning),
            new Expected("WF0021", "'Ask' waits for a 'Approval', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Approval))] to 'Json'.", DiagnosticSeverity.Warning),
            new Expected("WF0021", "'Ask' asks with a 'Asked', which 'Json' cannot serialize; workflow 'Flow' is durable, so the run fails when it stores one. Add [JsonSerializable(typeof(Asked))] to 'Json'.", DiagnosticSeverity.Warning));

    [Fact]
    public Task WF0021_counts_what_the_context_reaches_through_properties_and_is_silent_in_memory() =>
        AnalyzerTest.VerifyCleanAsync(
            Events.Replace("[JsonSerializable(typeof(Noted))]", "[JsonSerializable(typeof(Noted))]\n[JsonSerializable(typeof(Wrapper))]", StringComparison.Ordinal) + """
            public sealed record Limit(int Max, string[] Tags);
            public sealed record Wrapper(Limit Inner);

            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public static Shipped Keep(Order order, WorkflowContext ctx)
                {
                    ctx.Store.Set("limit", new Limit(3, []));
                    ctx.Store.Set("tags", new[] { "a" });
                    return new(order.Id);
                }
            }

            [Workflow]
            public partial class MemoryFlow
            {
                [Step]
                public static Shipped Keep(Order order, WorkflowContext ctx)
                {
                    ctx.Store.Set("anything", new Uri("https://example.com"));
                    return new(order.Id);
                }
            }
            """ + Durable);

    [Fact]
    public Task WF0022_fires_where_a_key_is_read_as_another_type_than_it_is_written() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public static Noted Count(Order order, WorkflowContext ctx)
                {
                    ctx.Store.Set("count", 3);
                    ctx.Store.Set("id", order.Id);
                    return new(order.Id);
                }

                [Step]
                public static Shipped Ship(Noted noted, WorkflowContext ctx)
                {
                    string count = [|ctx.Store.Get<string>("count")|];
                    bool known = [|ctx.Store.TryGet("id", out Guid id)|];
                    int again = ctx.Store.Get<int>("count");
                    string other = ctx.Store.Get<string>("never-written");
                    return new(noted.Id + count + known + id + again + other);
                }
            }
            """,
            new Expected("WF0022", "'Ship' reads ctx.Store key 'count' as 'string', but 'Count' writes it as 'int'; reading it throws. Read it as 'int', or use another key.", DiagnosticSeverity.Warning),
            new Expected("WF0022", "'Ship' reads ctx.Store key 'id' as 'Guid', but 'Count' writes it as 'string'; reading it throws. Read it as 'string', or use another key.", DiagnosticSeverity.Warning));

    [Fact]
    public async Task WF0021_s_code_fix_adds_the_stored_type_to_the_context_and_the_result_compiles_clean()
    {
        string source = Events + """
            public sealed record Money(decimal Amount, string Currency);

            [Workflow]
            public partial class Flow(HttpClient http)
            {
                [Step]
                public Shipped Keep(Order order, WorkflowContext ctx)
                {
                    ctx.Store.Set("price", new Money(4, "EUR"));
                    return new(order.Id + http.Timeout);
                }
            }
            """ + Durable;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(source, "WF0021", new Workflows.Analyzers.CodeFixes.AddJsonSerializableCodeFix());

        Assert.Equal("Add [JsonSerializable(typeof(Money))] to the JSON context", title);
        Assert.Contains("[JsonSerializable(typeof(Shipped))]\n[JsonSerializable(typeof(Money))]\npublic sealed class Json", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }

    [Theory]
    [InlineData("var count = ctx.Store.Get<string>(\"count\");", "var count = ctx.Store.Get<int>(\"count\");")]
    [InlineData("_ = ctx.Store.TryGet(\"count\", out long count);", "_ = ctx.Store.TryGet(\"count\", out int count);")]
    [InlineData("_ = ctx.Store.TryGet<long>(\"count\", out var count);", "_ = ctx.Store.TryGet<int>(\"count\", out var count);")]
    public async Task WF0022_s_code_fix_reads_the_key_as_it_is_written_and_the_result_compiles_clean(string read, string fixedRead)
    {
        string source = Events + $$"""
            [Workflow]
            public partial class Flow
            {
                [Step]
                public static Noted Count(Order order, WorkflowContext ctx)
                {
                    ctx.Store.Set("count", 3);
                    return new(order.Id);
                }

                [Step]
                public static Shipped Ship(Noted noted, WorkflowContext ctx)
                {
                    {{read}}
                    return new(noted.Id + count);
                }
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(source, "WF0022", new Workflows.Analyzers.CodeFixes.ReadAsWrittenCodeFix());

        Assert.Equal("Read it as 'int'", title);
        Assert.Contains(fixedRead, fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }
}
