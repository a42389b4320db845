using Microsoft.CodeAnalysis;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>
/// A workflow that cannot take code (a step signature that is not a step's) gets none; one whose graph
/// has errors gets stand-ins of the generated members that compile, and one that is not partial an
/// extension RunAsync beside it, so the analyzers' error is the only one. Never code that fails to compile.
/// </summary>
public class InvalidInputTests
{
    [Theory]
    [InlineData("public class Outer { [Workflow] private class Flow { [Step] public static Done Run(Go go) => new(); } }")]
    [InlineData("[Workflow] public static class Flow { [Step] public static Done Run(Go go) => new(); }")]
    public void Nothing_is_generated_for_a_workflow_that_cannot_take_code(string workflow)
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

    /// <summary>Graph errors: no stop (WF0002, WF0004), no start (WF0001, WF0003), nothing at all, a step taking the StopEvent (WF0008).</summary>
    [Theory]
    [InlineData("[Step] public static Middle Run(Go go) => new();", "Go", "global::Workflows.StopEvent")]
    [InlineData("[Step] public static Done Run(Middle m) => new();", "global::Workflows.StartEvent", "Done")]
    [InlineData("", "global::Workflows.StartEvent", "global::Workflows.StopEvent")]
    [InlineData("[Step] public static Done Run(Go go) => new(); [Step] public static void Audit(Done done) { }", "Go", "Done")]
    public void A_workflow_whose_graph_has_errors_gets_stand_ins_that_compile_and_callers_of_RunAsync_add_no_error(string steps, string start, string stop)
    {
        string source = $$"""
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Middle : Event;
            public sealed record Done : StopEvent;
            [Workflow] public partial class Flow { {{steps}} }
            public static class Caller
            {
                public static async System.Threading.Tasks.Task<StopEvent> CallAsync({{start}} start)
                {
                    Flow.Handler handler = new Flow().RunAsync(start);
                    _ = Flow.Graph;
                    return await handler;
                }
            }
            """;

        GeneratorDriver driver = GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);

        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        string generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("graph or a step's signature has errors", generated, StringComparison.Ordinal);
        Assert.Contains($"RunAsync({(start.StartsWith("global::", StringComparison.Ordinal) ? start : "global::" + start)} start", generated, StringComparison.Ordinal);
        Assert.Contains($"global::Workflows.WorkflowHandler<{(stop.StartsWith("global::", StringComparison.Ordinal) ? stop : "global::" + stop)}>", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Null(result.Exception);
    }

    /// <summary>A step signature that is not a step's (WF0005): the valid steps still give the stand-ins their signatures.</summary>
    [Theory]
    [InlineData("[Step] public static int Count(Go go) => 1;")]
    [InlineData("[Step] public static void Audit(Go go, string extra) { }")]
    public void A_workflow_with_a_step_signature_that_is_not_a_steps_gets_stand_ins_so_callers_add_no_error(string badStep)
    {
        string source = $$"""
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Done : StopEvent;
            [Workflow] public partial class Flow { [Step] public static Done Run(Go go) => new(); {{badStep}} }
            public static class Caller
            {
                public static async System.Threading.Tasks.Task<Done> CallAsync() => await new Flow().RunAsync(new Go());
            }
            """;

        GeneratorDriver driver = GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);

        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        string generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("RunAsync(global::Go start", generated, StringComparison.Ordinal);
        Assert.Contains("global::Workflows.WorkflowHandler<global::Done>", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Null(result.Exception);
    }

    /// <summary>Not partial (WF0007): at the top level, nested in a class that is not partial, in a namespace.</summary>
    [Theory]
    [InlineData("[Workflow] public class Flow { [Step] public static Done Run(Go go) => new(); }", "Flow")]
    [InlineData("public static class Outer { [Workflow] public partial class Flow { [Step] public static Done Run(Go go) => new(); } }", "Outer.Flow")]
    [InlineData("namespace Shop { [Workflow] internal class Flow { [Step] public static global::Done Run(global::Go go) => new(); } }", "Shop.Flow")]
    public void A_workflow_that_is_not_partial_gets_an_extension_RunAsync_so_callers_add_no_error(string workflow, string type)
    {
        string source = $$"""
            using Workflows;
            public sealed record Go : StartEvent;
            public sealed record Done : StopEvent;
            {{workflow}}
            public static class Caller
            {
                public static async System.Threading.Tasks.Task<Done> CallAsync() => await new {{type}}().RunAsync(new Go());
            }
            """;

        GeneratorDriver driver = GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);

        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        string generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("is not partial (WF0007)", generated, StringComparison.Ordinal);
        Assert.Contains($"RunAsync(this global::{type} workflow, global::Go start", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Null(result.Exception);
    }

    [Fact]
    public void Code_that_does_not_compile_yet_gets_stand_ins_that_add_no_error_and_no_crash()
    {
        const string Source = """
            using Workflows;
            public sealed record Go : StartEvent;
            [Workflow] public partial class Flow { [Step] public static Undefined Run(Go go) => null!; }
            public static class Caller
            {
                public static WorkflowHandler<StopEvent> Call() => new Flow().RunAsync(new Go());
            }
            """;

        GeneratorDriver driver = GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(Source), out Compilation output, out _);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        Assert.Contains("these members stand in", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
        Diagnostic error = Assert.Single(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal("CS0246", error.Id);
        Assert.Null(result.Exception);
    }
}
