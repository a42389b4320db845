using Workflows.Analyzers.CodeFixes;

namespace Workflows.Analyzers.Tests;

public class MakePartialCodeFixTests
{
    [Theory]
    [InlineData("[Workflow]\npublic class Flow", "[Workflow]\npublic partial class Flow")]
    [InlineData("[Workflow]\nclass Flow", "[Workflow]\npartial class Flow")]
    [InlineData("[Workflow]\npublic sealed class Flow", "[Workflow]\npublic sealed partial class Flow")]
    public async Task Make_partial_adds_the_modifier_and_the_result_compiles_clean(string before, string after)
    {
        string Source(string header) => $$"""
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Done : StopEvent;
            {{header}}
            {
                [Step] public static Done Start(Go go) => new();
            }
            public static class Caller
            {
                public static WorkflowHandler<Done> Run() => new Flow().RunAsync(new Go());
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(Source(before), "WF0007", new MakePartialCodeFix());

        Assert.Equal("Make 'Flow' partial", title);
        Assert.Equal(Source(after).ReplaceLineEndings("\n"), fixedSource);
        CodeFixTest.AssertCompilesClean(fixedSource);
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(fixedSource));
    }

    [Fact]
    public async Task Make_partial_fixes_a_containing_type()
    {
        const string Source = """
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Done : StopEvent;
            public static class Outer
            {
                [Workflow]
                public partial class Flow
                {
                    [Step] public static Done Start(Go go) => new();
                }
            }
            """;

        (string fixedSource, _) = await CodeFixTest.ApplyAsync(Source, "WF0007", new MakePartialCodeFix());

        Assert.Contains("public static partial class Outer", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
    }
}
