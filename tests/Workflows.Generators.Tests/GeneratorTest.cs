using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Analyzers;
using Workflows.Testing;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>Runs the generator over snippets and checks its output against approved snapshot files.</summary>
internal static partial class GeneratorTest
{
    /// <summary>Set to 1 to accept the current output as the new approved snapshots.</summary>
    public const string AcceptVariable = "WORKFLOWS_ACCEPT_SNAPSHOTS";

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new WorkflowGenerator().AsSourceGenerator()],
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Generates code for <paramref name="sources"/>, asserts that the whole compilation then has no
    /// error and no warning from the compiler, that the analyzers report exactly <paramref name="analyzerIds"/>
    /// (nothing, by default), and compares every generated file with its approved snapshot.
    /// </summary>
    public static async Task VerifyAsync(string[] sources, string[]? analyzerIds = null, [CallerMemberName] string test = "")
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(sources), out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Equal(analyzerIds ?? [], (await output.WithAnalyzers([new WorkflowAnalyzer()]).GetAnalyzerDiagnosticsAsync()).Select(d => d.Id).Order(StringComparer.Ordinal));

        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.NotEmpty(result.GeneratedSources);
        string directory = RepositoryPaths.Combine("tests", "Workflows.Generators.Tests", "Snapshots");
        var mismatches = new List<string>();
        foreach (GeneratedSourceResult generated in result.GeneratedSources.OrderBy(g => g.HintName, StringComparer.Ordinal))
        {
            string name = $"{test}.{generated.HintName[..^".cs".Length]}";
            string actual = Normalize(generated.SourceText.ToString());
            string verifiedPath = Path.Combine(directory, name + ".verified.cs");
            string receivedPath = Path.Combine(directory, name + ".received.cs");
            string? verified = File.Exists(verifiedPath) ? await File.ReadAllTextAsync(verifiedPath) : null;
            if (verified == actual)
            {
                File.Delete(receivedPath);
                continue;
            }

            if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
            {
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(verifiedPath, actual);
                File.Delete(receivedPath);
                continue;
            }

            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(receivedPath, actual);
            mismatches.Add(verified is null ? $"{name}: no approved snapshot yet" : $"{name}: differs from the approved snapshot");
        }

        Assert.True(
            mismatches.Count == 0,
            $"Generated code does not match its snapshots ({string.Join("; ", mismatches)}). Compare the .received.cs files with the .verified.cs ones; set {AcceptVariable}=1 to accept the new output.");
    }

    /// <summary>Hides the generator's version so snapshots survive version bumps.</summary>
    private static string Normalize(string source) => VersionPattern().Replace(source.ReplaceLineEndings("\n"), "\"Workflows.Generators\", \"{version}\"");

    [GeneratedRegex("\"Workflows\\.Generators\", \"[0-9.]+\"")]
    private static partial Regex VersionPattern();
}
