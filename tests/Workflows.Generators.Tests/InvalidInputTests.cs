using Microsoft.CodeAnalysis;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>An invalid workflow gets no code at all (the analyzers speak), never code that fails to compile.</summary>
public class InvalidInputTests
{
    [Theory]
    [InlineData("[Workflow] public class Flow { [Step] public static Done Run(Go go) => new(); }")]
    [InlineData("[Workflow] public partial class Flow { [Step] public static int Run(Go go) => 1; }")]
    [InlineData("[Workflow] public partial class Flow { [Step] public static Done Run(Go go, string extra) => new(); }")]
    [InlineData("[Workflow] public partial class Flow { [Step] public static Middle Run(Go go) => new(); }")]
    [InlineData("[Workflow] public partial class Flow { [Step] public static Done Run(Middle m) => new(); }")]
    [InlineData("[Workflow] public partial class Flow { }")]
    [InlineData("public static class Outer { [Workflow] public partial class Flow { [Step] public static Done Run(Go go) => new(); } }")]
    [InlineData("[Workflow] public partial class Flow { [Step] public static Done Run(Go go) => new(); [Step] public static void Audit(Done done) { } }")]
    public void Nothing_is_generated_for_an_invalid_workflow(string workflow)
    {
        string source = """
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Middle : Event;
            public sealed record Done : StopEvent;
            """ + "\n" + workflow;

        GeneratorRunResult result = Assert.Single(GeneratorTest.CreateDriver().RunGenerators(TestCompilation.Create(source)).GetRunResult().Results);

        Assert.Empty(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
        Assert.Null(result.Exception);
    }

    [Fact]
    public void Code_that_does_not_compile_yet_gets_no_output_and_no_crash()
    {
        const string Source = """
            using Workflows;
            public sealed record Go : StartEvent;
            [Workflow] public partial class Flow { [Step] public static Undefined Run(Go go) => null!; }
            """;

        GeneratorRunResult result = Assert.Single(GeneratorTest.CreateDriver().RunGenerators(TestCompilation.Create(Source)).GetRunResult().Results);

        Assert.Empty(result.GeneratedSources);
        Assert.Null(result.Exception);
    }
}
