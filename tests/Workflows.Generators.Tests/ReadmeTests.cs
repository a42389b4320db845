using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Testing;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>
/// Every C# block of the README compiles. Each is marked on the line before it: <c>&lt;!-- snippet: program --&gt;</c>
/// is a complete program, compiled here with the generator and no warning; <c>&lt;!-- snippet: path --&gt;</c>
/// is a fragment of that file of the repository (a sample, a test, or docs/Tour, which exists for this),
/// whose every line must be in the file, in order — and the file is compiled by the build.
/// </summary>
public partial class ReadmeTests
{
    private static readonly Lazy<Block[]> Blocks = new(() => ReadBlocks(File.ReadAllText(RepositoryPaths.Combine("README.md"))));

    [Fact]
    public void Every_CSharp_block_of_the_README_says_whether_it_is_a_program_or_which_file_it_comes_from()
    {
        Assert.True(Blocks.Value.Length >= 20, $"Only {Blocks.Value.Length} C# blocks found in the README.");
        Assert.All(Blocks.Value, block => Assert.True(block.Source is not null, $"The C# block at README line {block.Line} has no '<!-- snippet: program -->' or '<!-- snippet: path/of/File.cs -->' line before it."));
        Assert.Contains(Blocks.Value, block => block.Source == "program");
    }

    [Fact]
    public void Every_program_block_compiles_with_the_generator_and_no_warning()
    {
        foreach (Block block in Blocks.Value.Where(b => b.Source == "program"))
        {
            Assert.Contains("[Workflow]", block.Code, StringComparison.Ordinal);
            CSharpCompilation program = TestCompilation.Create(block.Code, ImplicitUsings).WithOptions(TestCompilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
            GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(program, out Compilation output, out _);

            string[] problems = [.. output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString())];
            Assert.True(problems.Length == 0, $"README line {block.Line}:\n{string.Join('\n', problems)}");
        }
    }

    [Fact]
    public void Every_fragment_block_is_in_its_file_line_by_line_in_order()
    {
        foreach (Block block in Blocks.Value.Where(b => b.Source is not null and not "program"))
        {
            string path = RepositoryPaths.Combine(block.Source!.Split('/'));
            Assert.True(File.Exists(path), $"README line {block.Line} names '{block.Source}', which does not exist.");
            Assert.True(path.EndsWith(".cs", StringComparison.Ordinal), $"README line {block.Line} names '{block.Source}', which is not a C# file the build compiles.");
            string? missing = FirstLineNotFound(block.Code, File.ReadAllText(path));
            Assert.True(missing is null, $"README line {block.Line}: the line \"{missing}\" is not in {block.Source} (after the lines before it).");
        }
    }

    [Theory]
    [InlineData("int a = 1;\nint c = 3;", null)]
    [InlineData("int a = 1;\n…\nint c = 3;", null)]
    [InlineData("int   a = 1;\n  int b => ...;", null)]
    [InlineData("int c = 3;\nint a = 1;", "int a = 1;")]
    [InlineData("int a = 1;\nint d = 4;", "int d = 4;")]
    public void A_fragment_matches_only_lines_of_its_file_in_their_order(string fragment, string? missing)
    {
        const string File = "int a = 1;\nint b => Compute(1, 2);\nint c = 3;\n";

        Assert.Equal(missing, FirstLineNotFound(fragment, File));
    }

    /// <summary>
    /// The first line of the fragment not found in the file after the lines matched before it; null if
    /// all are. Lines compare with their runs of whitespace made one space; "…" or "..." in a fragment
    /// line stands for anything, so a line of just "…" skips code the README leaves out.
    /// </summary>
    private static string? FirstLineNotFound(string fragment, string file)
    {
        string[] lines = [.. file.Split('\n').Select(Normalize)];
        int at = 0;
        foreach (string wanted in fragment.Split('\n').Select(Normalize).Where(l => l.Length > 0))
        {
            var pattern = new Regex("^" + string.Join(".*", wanted.Split(["…", "..."], StringSplitOptions.None).Select(Regex.Escape)) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
            int found = Array.FindIndex(lines, at, pattern.IsMatch);
            if (found < 0)
            {
                return wanted;
            }

            at = found + 1;
        }

        return null;
    }

    private static string Normalize(string line) => Whitespace().Replace(line.Trim(), " ");

    private static Block[] ReadBlocks(string readme) =>
        [.. CSharpBlock().Matches(readme).Select(m => new Block(
            readme[..m.Index].Count(c => c == '\n') + 1,
            m.Groups["source"].Success ? m.Groups["source"].Value.Trim() : null,
            m.Groups["code"].Value))];

    private sealed record Block(int Line, string? Source, string Code);

    /// <summary>What <c>dotnet new console</c> turns on with ImplicitUsings.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"(?:<!-- snippet: (?<source>[^>]+?) -->\n)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
