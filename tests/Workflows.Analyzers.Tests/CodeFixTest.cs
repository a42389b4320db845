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
        (Solution changed, Document document, _, string title) = await ApplyInSolutionAsync(source, id, fix, []);
        return ((await changed.GetDocument(document.Id)!.GetTextAsync()).ToString().ReplaceLineEndings("\n"), title);
    }

    /// <summary>
    /// Applies <paramref name="fix"/> to the first diagnostic <paramref name="id"/> of a project with
    /// additional files beside the source (path, text); returns the changed solution, the source
    /// document, the additional documents (in the order given) and the fix's title.
    /// </summary>
    public static async Task<(Solution Changed, Document Document, IReadOnlyList<DocumentId> Files, string Title)> ApplyInSolutionAsync(
        string source, string id, CodeFixProvider fix, IReadOnlyList<(string Path, string Text)> additionalFiles)
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.CurrentSolution
            .AddProject("UserProject", "UserProject", LanguageNames.CSharp)
            .WithParseOptions(TestCompilation.ParseOptions)
            .WithCompilationOptions(TestCompilation.Options)
            .WithMetadataReferences(TestCompilation.References);
        var files = new List<DocumentId>();
        foreach ((string path, string text) in additionalFiles)
        {
            TextDocument file = project.AddAdditionalDocument(Path.GetFileName(path), text, filePath: path);
            files.Add(file.Id);
            project = file.Project;
        }

        Document document = project.AddDocument("Flow.cs", source);

        // As in a real build, the analyzers see the generator's output too (durable registrations need it).
        CSharpGeneratorDriver.Create(new WorkflowGenerator())
            .WithUpdatedParseOptions(TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation((await document.Project.GetCompilationAsync())!, out Compilation compilation, out _);
        var options = new AnalyzerOptions([.. additionalFiles.Select(f => (AdditionalText)new AnalyzerTest.InMemoryAdditionalText(f.Path, f.Text))]);
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(AnalyzerTest.Analyzers, options).GetAnalyzerDiagnosticsAsync();
        Diagnostic diagnostic = diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).First();

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        CodeAction only = Assert.Single(actions);

        ImmutableArray<CodeActionOperation> operations = await only.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
        return (changed, document, files, only.Title);
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
