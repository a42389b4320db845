using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Testing;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>The README's first code block is what a newcomer pastes into a new project: it must compile clean.</summary>
public partial class ReadmeTests
{
    [Fact]
    public void The_first_code_block_of_the_README_compiles_as_a_program_with_no_warning()
    {
        string readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        string code = FirstCSharpBlock().Match(readme).Groups["code"].Value;
        Assert.Contains("[Workflow]", code, StringComparison.Ordinal);

        CSharpCompilation program = TestCompilation.Create(code, ImplicitUsings).WithOptions(TestCompilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(program, out Compilation output, out _);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

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

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstCSharpBlock();
}
