using Workflows.Analyzers.CodeFixes;

namespace Workflows.Analyzers.Tests;

/// <summary>The fixes for the graph and body rules: each applied, then compiled clean with the generator.</summary>
public class GraphCodeFixTests
{
    private const string Events = """
        using Workflows;

        public sealed record Submitted : StartEvent;
        public sealed record Drafted : Event;
        public sealed record Published : StopEvent;

        """;

    [Fact]
    public async Task Add_Emits_declares_the_sent_event_beside_Step()
    {
        const string Source = Events + """
            [Workflow]
            public partial class Flow
            {
                [Step]
                public static void Split(Submitted submitted, WorkflowContext ctx) => ctx.Send(new Drafted());

                [Step] public static Published Publish(Drafted drafted) => new();
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(Source, "WF0011", new AddEmitsCodeFix());

        Assert.Equal("Declare [Emits(typeof(Drafted))] on 'Split'", title);
        Assert.Contains("[Step, Emits(typeof(Drafted))]", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }

    [Fact]
    public async Task Add_step_adds_a_stub_that_consumes_the_unconsumed_event()
    {
        const string Source = Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static OneOf<Drafted, Published> Start(Submitted submitted) => new Published();
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(Source, "WF0004", new AddStepCodeFix());

        Assert.Equal("Add step 'OnDrafted' that consumes 'Drafted'", title);
        Assert.Contains(
            """
                [Step]
                private static void OnDrafted(Drafted drafted)
                {
                }
            """,
            fixedSource,
            StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }

    [Fact]
    public async Task Remove_Emits_drops_an_unused_declaration()
    {
        const string Source = Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Drafted))]
                public static Published Go(Submitted submitted, WorkflowContext ctx) => new();

                [Step] public static void Log(Drafted drafted) { }
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(Source, "WF0012", new RemoveEmitsCodeFix());

        Assert.Equal("Remove [Emits(typeof(Drafted))]", title);
        Assert.Contains("    [Step]\n    public static Published Go", fixedSource, StringComparison.Ordinal);

        // Without the declaration, Log's event is produced by nobody: the fix is honest about the graph.
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Equal(["WF0003"], (await AnalyzerTest.AnalyzeAsync(fixedSource)).Select(d => d.Id));
    }

    [Fact]
    public async Task Remove_Emits_drops_an_attribute_list_of_its_own_and_a_non_event_type()
    {
        const string Source = Events + """
            [Workflow]
            public partial class Flow
            {
                [Step]
                [Emits(typeof(string))]
                public static Published Go(Submitted submitted) => new();
            }
            """;

        (string fixedSource, _) = await CodeFixTest.ApplyAsync(Source, "WF0013", new RemoveEmitsCodeFix());

        Assert.DoesNotContain("Emits", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }

    [Theory]
    [InlineData("Workers = 0", "Workers = 1", "Set Workers to 1")]
    [InlineData("MaxAttempts = -2", "MaxAttempts = 1", "Set MaxAttempts to 1")]
    [InlineData("RetryDelayMs = -100", "RetryDelayMs = 0", "Set RetryDelayMs to 0")]
    [InlineData("TimeoutMs = -1", "TimeoutMs = 0", "Set TimeoutMs to 0")]
    public async Task Fix_option_sets_the_nearest_valid_value(string before, string after, string expectedTitle)
    {
        string Source(string option) => Events + $$"""
            [Workflow]
            public partial class Flow
            {
                [Step({{option}})] public static Published Go(Submitted submitted) => new();
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(Source(before), "WF0013", new FixOptionCodeFix());

        Assert.Equal(expectedTitle, title);
        Assert.Equal(Source(after).ReplaceLineEndings("\n"), fixedSource);
        CodeFixTest.AssertCompilesClean(fixedSource);
    }
}
