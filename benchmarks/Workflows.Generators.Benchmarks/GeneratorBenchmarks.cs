using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Workflows.Generators.Benchmarks;

/// <summary>
/// The source generator over 100 workflows of 10 steps each (one file per workflow): a full run,
/// and the incremental runs an IDE makes as you type — in an unrelated file, inside a step body,
/// and in a step's signature.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Workflows = 100;
    private const int Steps = 10;

    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warm = null!;
    private CSharpCompilation _unrelatedEdit = null!;
    private CSharpCompilation _bodyEdit = null!;
    private CSharpCompilation _signatureEdit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText("namespace Other; public static class Unrelated { public static int Value => 1; }", parse, "Unrelated.cs") };
        for (int w = 0; w < Workflows; w++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Workflow(w), parse, $"Flow{w}.cs"));
        }

        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        IEnumerable<MetadataReference> references = platform
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Append(typeof(Event).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        _warm = CreateDriver().RunGenerators(_compilation);
        _unrelatedEdit = Edit(0, text => text.Replace("=> 1;", "=> 2;", StringComparison.Ordinal));
        _bodyEdit = Edit(1, text => text.Replace("ev.Value + 1", "ev.Value + 2", StringComparison.Ordinal));
        _signatureEdit = Edit(1, text => text.Replace("[Step]\n    public static E1", "[Step(MaxAttempts = 2)]\n    public static E1", StringComparison.Ordinal));
    }

    [Benchmark(Baseline = true, Description = "full run, 100 workflows × 10 steps")]
    public int FullRun() => CreateDriver().RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "re-run after an edit in an unrelated file")]
    public int UnrelatedEdit() => _warm.RunGenerators(_unrelatedEdit).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "re-run after typing in a step body")]
    public int BodyEdit() => _warm.RunGenerators(_bodyEdit).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "re-run after changing a step signature")]
    public int SignatureEdit() => _warm.RunGenerators(_signatureEdit).GetRunResult().GeneratedTrees.Length;

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(new WorkflowGenerator()).WithUpdatedParseOptions(CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest));

    private CSharpCompilation Edit(int tree, Func<string, string> change)
    {
        SyntaxTree old = _compilation.SyntaxTrees[tree];
        string text = old.GetText().ToString();
        string changed = change(text);
        if (changed == text)
        {
            throw new InvalidOperationException($"The edit of tree {tree} changed nothing.");
        }

        return _compilation.ReplaceSyntaxTree(old, old.WithChangedText(SourceText.From(changed)));
    }

    /// <summary>A linear workflow: Start → E1 → … → E9 → Done, each step a one-liner.</summary>
    private static string Workflow(int number)
    {
        var text = new StringBuilder();
        text.Append("using Workflows;\n\nnamespace Flows").Append(number).Append(";\n\n");
        text.Append("public sealed record E0(int Value) : StartEvent;\n");
        for (int s = 1; s < Steps; s++)
        {
            text.Append("public sealed record E").Append(s).Append("(int Value) : Event;\n");
        }

        text.Append("public sealed record Done(int Value) : StopEvent;\n\n[Workflow]\npublic partial class Flow").Append(number).Append("\n{\n");
        for (int s = 0; s < Steps; s++)
        {
            string output = s == Steps - 1 ? "Done" : $"E{s + 1}";
            text.Append("    [Step]\n    public static ").Append(output).Append(" Step").Append(s).Append("(E").Append(s).Append(" ev) => new(ev.Value + 1);\n\n");
        }

        return text.Append("}\n").ToString();
    }
}
