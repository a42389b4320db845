using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>
/// The generator's pipeline caches: edits that do not change a workflow leave every tracked step
/// Cached or Unchanged; editing a step's signature changes it; no step output holds a symbol.
/// </summary>
public class IncrementalityTests
{
    private const string Workflow = """
        using System.Threading.Tasks;
        using Workflows;

        namespace Docs;

        public sealed record Submitted(string Text) : StartEvent;
        public sealed record Parsed(string[] Words) : Event;
        public sealed record Published(int WordCount) : StopEvent;

        [Workflow]
        public partial class ReviewFlow
        {
            [Step]
            public static Parsed Parse(Submitted submitted) => new(submitted.Text.Split(' '));

            [Step]
            private async Task<Published> Publish(Parsed parsed)
            {
                await Task.Yield();
                return new Published(parsed.Words.Length);
            }
        }
        """;

    private const string Unrelated = """
        namespace Docs;

        public static class Helpers
        {
            public static int Answer() => 42;
        }
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.Workflows, TrackingNames.ValidWorkflows];

    [Fact]
    public void An_unrelated_edit_leaves_every_tracked_step_cached_or_unchanged()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(
            TestCompilation.Create(Workflow, Unrelated),
            compilation => Replace(compilation, 1, Unrelated.Replace("42", "43", StringComparison.Ordinal)));

        AssertAllCachedOrUnchanged(second);
        AssertSameOutput(first, second);
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_tracked_step_cached_or_unchanged()
    {
        (_, GeneratorRunResult second) = RunTwice(
            TestCompilation.Create(Workflow),
            compilation => compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Unrelated, TestCompilation.ParseOptions, path: "Added.cs")));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void Typing_inside_a_step_body_leaves_the_model_and_the_output_unchanged()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(
            TestCompilation.Create(Workflow),
            compilation => Replace(compilation, 0, Workflow.Replace("parsed.Words.Length", "parsed.Words.Length + 0", StringComparison.Ordinal)));

        AssertAllCachedOrUnchanged(second);
        AssertSameOutput(first, second);
    }

    [Fact]
    public void Editing_a_step_signature_modifies_the_model_and_the_output()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(
            TestCompilation.Create(Workflow),
            compilation => Replace(compilation, 0, Workflow.Replace("[Step]\n    private async", "[Step(MaxAttempts = 3)]\n    private async", StringComparison.Ordinal)));

        IncrementalStepRunReason reason = Assert.Single(second.TrackedSteps[TrackingNames.ValidWorkflows].SelectMany(s => s.Outputs)).Reason;
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.NotEqual(first.GeneratedSources[0].SourceText.ToString(), second.GeneratedSources[0].SourceText.ToString());
        Assert.Contains("maxAttempts: 3", second.GeneratedSources[0].SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_tracked_step_output_holds_a_symbol_syntax_node_or_compilation()
    {
        GeneratorRunResult result = Assert.Single(GeneratorTest.CreateDriver().RunGenerators(TestCompilation.Create(Workflow)).GetRunResult().Results);

        foreach (string step in TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object value, IncrementalStepRunReason _) in run.Outputs)
                {
                    AssertNoCompilerObjects(value, $"{step} output", new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    [Fact]
    public void The_output_is_deterministic()
    {
        string Generate() => Assert.Single(
            Assert.Single(GeneratorTest.CreateDriver().RunGenerators(TestCompilation.Create(Workflow, Unrelated)).GetRunResult().Results).GeneratedSources).SourceText.ToString();

        Assert.Equal(Generate(), Generate());
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(Compilation compilation, Func<Compilation, Compilation> edit)
    {
        GeneratorDriver driver = GeneratorTest.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = Assert.Single(driver.GetRunResult().Results);
        driver = driver.RunGenerators(edit(compilation.Clone()));
        return (first, Assert.Single(driver.GetRunResult().Results));
    }

    private static Compilation Replace(Compilation compilation, int treeIndex, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(treeIndex);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(SourceText.From(text)));
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string step in TrackedSteps)
        {
            ImmutableArray<IncrementalGeneratorRunStep> runs = result.TrackedSteps[step];
            Assert.NotEmpty(runs);
            foreach ((object _, IncrementalStepRunReason reason) in runs.SelectMany(r => r.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step '{step}' was {reason}.");
            }
        }

        foreach ((object _, IncrementalStepRunReason reason) in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {reason}.");
        }
    }

    private static void AssertSameOutput(GeneratorRunResult first, GeneratorRunResult second) =>
        Assert.Equal(
            first.GeneratedSources.Select(s => s.SourceText.ToString()),
            second.GeneratedSources.Select(s => s.SourceText.ToString()));

    /// <summary>Walks an output's object graph and fails on anything the pipeline must not cache.</summary>
    private static void AssertNoCompilerObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}: the model must be reduced to names and values.");

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertNoCompilerObjects(item, $"{path}[{i++}]", seen);
            }
        }

        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                AssertNoCompilerObjects(property.GetValue(value), $"{path}.{property.Name}", seen);
            }
        }
    }
}
