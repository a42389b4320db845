using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Analyzers.CodeFixes;
using Workflows.Generators;
using Workflows.Testing.Compiler;

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

        string fixedSource = await ApplyFixAsync(Source(before));

        Assert.Equal(Source(after).ReplaceLineEndings("\n"), fixedSource.ReplaceLineEndings("\n"));
        AssertCompilesCleanWithGenerator(fixedSource);
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

        string fixedSource = await ApplyFixAsync(Source);

        Assert.Contains("public static partial class Outer", fixedSource, StringComparison.Ordinal);
        AssertCompilesCleanWithGenerator(fixedSource);
    }

    private static async Task<string> ApplyFixAsync(string source)
    {
        using var workspace = new AdhocWorkspace();
        Document document = workspace.CurrentSolution
            .AddProject("UserProject", "UserProject", LanguageNames.CSharp)
            .WithParseOptions(TestCompilation.ParseOptions)
            .WithCompilationOptions(TestCompilation.Options)
            .WithMetadataReferences(TestCompilation.References)
            .AddDocument("Flow.cs", source);

        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(AnalyzerTest.Analyzers).GetAnalyzerDiagnosticsAsync();
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == "WF0007");

        var actions = new List<CodeAction>();
        var fix = new MakePartialCodeFix();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        CodeAction only = Assert.Single(actions);
        Assert.StartsWith("Make '", only.Title, StringComparison.Ordinal);

        ImmutableArray<CodeActionOperation> operations = await only.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static void AssertCompilesCleanWithGenerator(string source)
    {
        CSharpGeneratorDriver.Create(new WorkflowGenerator())
            .WithUpdatedParseOptions(TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
