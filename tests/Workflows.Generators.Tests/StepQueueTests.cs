using Microsoft.CodeAnalysis;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>A step's <c>[Step(Queue = ...)]</c> reaches its definition; a blank one is an invalid option.</summary>
public class StepQueueTests
{
    private static string Flow(string queue) => $$"""
        using Workflows;

        public sealed record Go : StartEvent;
        public sealed record Done : StopEvent;

        [Workflow]
        public partial class QueuedFlow
        {
            [Step(Queue = {{queue}}, Workers = 4)] public static Done Run(Go go) => new();
        }
        """;

    [Fact]
    public void A_steps_queue_is_emitted_into_its_definition()
    {
        GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(Flow("\"llm\"")), out Compilation output, out _);

        string generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("new global::Workflows.Infrastructure.StepDefinition(\"Run\", workers: 4, queue: \"llm\")", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    [Fact]
    public void A_blank_queue_gets_no_output()
    {
        GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(Flow("\" \"")), out Compilation output, out _);

        Assert.DoesNotContain(output.SyntaxTrees.Skip(1), t => t.ToString().Contains("queue:", StringComparison.Ordinal));
    }
}
