using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators;
using Workflows.Testing.Compiler;

namespace Workflows.Analyzers.Tests;

/// <summary>Applies a code fix the way the IDE does, and checks that the result compiles clean.</summary>
internal static class CodeFixTest
{
    /// <summary>Applies <paramref name="fix"/> to the first diagnostic <paramref name="id"/> and returns the new source.</summary>
    public static async Task<(string Source, string Title)> ApplyAsync(string source, string id, CodeFixProvider fix)
    {
        using var workspace = new AdhocWorkspace();
        Document document = workspace.CurrentSolution
            .AddProject("UserProject", "UserProject", LanguageNames.CSharp)
            .WithParseOptions(TestCompilation.ParseOptions)
            .WithCompilationOptions(TestCompilation.Options)
            .WithMetadataReferences(TestCompilation.References)
            .AddDocument("Flow.cs", source);

        // As in a real build, the analyzers see the generator's output too (durable registrations need it).
        CSharpGeneratorDriver.Create(new WorkflowGenerator())
            .WithUpdatedParseOptions(TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation((await document.Project.GetCompilationAsync())!, out Compilation compilation, out _);
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(AnalyzerTest.Analyzers).GetAnalyzerDiagnosticsAsync();
        Diagnostic diagnostic = diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).First();

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        CodeAction only = Assert.Single(actions);

        ImmutableArray<CodeActionOperation> operations = await only.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
        return ((await changed.GetDocument(document.Id)!.GetTextAsync()).ToString().ReplaceLineEndings("\n"), only.Title);
    }

    /// <summary>Runs the generator too, and asserts no error or warning anywhere in the result.</summary>
    public static void AssertCompilesClean(string source)
    {
        CSharpGeneratorDriver.Create(new WorkflowGenerator())
            .WithUpdatedParseOptions(TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }
}
