namespace Workflows.Analyzers.Tests;

/// <summary>WF0019: the JSON context a durable workflow is registered with must cover its events.</summary>
public class DurableSerializationTests
{
    private const string Workflow = """
        using System;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using Workflows;
        using Workflows.Durable;

        public sealed record Go : StartEvent;
        public abstract record Step : Event;
        public sealed record Half : Step;
        public sealed record Done : StopEvent;

        [Workflow]
        public partial class Flow
        {
            [Step] public static Half Start(Go go) => new();
            [Step] public static Done Finish(Step step) => new();
        }

        """;

    // Stands in for a source-generated context: the analyzer reads only its attributes.
    private const string ContextBody = """
        {
            public Json() : base(null) { }
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        """;

    [Fact]
    public Task WF0019_fires_on_the_context_for_each_concrete_event_it_lacks() =>
        AnalyzerTest.VerifyAsync(
            Workflow + "[JsonSerializable(typeof(Go))]\npublic sealed class Json : JsonSerializerContext\n" + ContextBody + """
            public static class Setup
            {
                public static WorkflowRuntime Add(WorkflowRuntime runtime) => runtime.Register(() => new Flow(), [|[|new Json()|]|]);
            }
            """,
            new Expected("WF0019", "'Json' cannot serialize 'Half', an event of durable workflow 'Flow'; add [JsonSerializable(typeof(Half))] to it"),
            new Expected("WF0019", "'Json' cannot serialize 'Done', an event of durable workflow 'Flow'; add [JsonSerializable(typeof(Done))] to it"));

    [Fact]
    public Task WF0019_stays_silent_when_the_context_covers_every_concrete_event() =>
        AnalyzerTest.VerifyCleanAsync(
            Workflow + "[JsonSerializable(typeof(Go))]\n[JsonSerializable(typeof(Half))]\n[JsonSerializable(typeof(Done))]\npublic sealed class Json : JsonSerializerContext\n" + ContextBody + """
            public static class Setup
            {
                public static WorkflowRuntime Add(WorkflowRuntime runtime) => runtime.Register(() => new Flow(), new Json());
            }
            """);

    [Fact]
    public async Task The_code_fix_adds_the_missing_JsonSerializable_to_the_context_and_the_result_compiles_clean()
    {
        string source = Workflow + "[JsonSerializable(typeof(Go))]\n[JsonSerializable(typeof(Half))]\npublic sealed class Json : JsonSerializerContext\n" + ContextBody + """
            public static class Setup
            {
                public static WorkflowRuntime Add(WorkflowRuntime runtime) => runtime.Register(() => new Flow(), new Json());
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(source, "WF0019", new Workflows.Analyzers.CodeFixes.AddJsonSerializableCodeFix());

        Assert.Equal("Add [JsonSerializable(typeof(Done))] to the JSON context", title);
        Assert.Contains("[JsonSerializable(typeof(Half))]\n[JsonSerializable(typeof(Done))]\npublic sealed class Json", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }
}
