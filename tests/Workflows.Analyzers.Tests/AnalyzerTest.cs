using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Workflows.Testing.Compiler;

namespace Workflows.Analyzers.Tests;

/// <summary>An expected diagnostic: id, severity and message; its span comes from the markup.</summary>
internal sealed record Expected(string Id, string Message, DiagnosticSeverity Severity = DiagnosticSeverity.Error);

/// <summary>Runs the analyzers over a marked-up snippet and compares id, severity, span and message.</summary>
internal static class AnalyzerTest
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = [new WorkflowAnalyzer(), new DurableSerializationAnalyzer(), new DurableSafetyAnalyzer(), new StateKeyAnalyzer(), new OnceKeyAnalyzer(), new ShippedShapeAnalyzer(), new WorkflowVersionAnalyzer()];

    /// <summary>
    /// Asserts that the analyzers report exactly <paramref name="expected"/>, in source order, each at the
    /// matching <c>[|…|]</c> span of <paramref name="markup"/>.
    /// </summary>
    public static Task VerifyAsync(string markup, params Expected[] expected) => VerifyAsync(markup, [], expected);

    /// <summary>As <see cref="VerifyAsync(string, Expected[])"/>, with additional files (path, text) beside the snippet.</summary>
    public static async Task VerifyAsync(string markup, IReadOnlyList<(string Path, string Text)> additionalFiles, params Expected[] expected)
    {
        (string source, IReadOnlyList<TextSpan> spans) = Markup.Parse(markup);
        Assert.True(spans.Count == expected.Length, $"The markup has {spans.Count} span(s) for {expected.Length} expected diagnostic(s).");

        ImmutableArray<Diagnostic> actual = await AnalyzeAsync(source, additionalFiles);

        string Describe(string id, DiagnosticSeverity severity, TextSpan span, string message) =>
            $"{id} {severity} at {span} '{source[span.Start..span.End]}': {message}";

        var want = expected.Select((e, i) => Describe(e.Id, e.Severity, spans[i], e.Message)).ToList();
        var got = actual
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Describe(d.Id, d.Severity, d.Location.SourceSpan, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(want, got);

        foreach (Diagnostic diagnostic in actual)
        {
            Assert.Equal($"https://github.com/workflows-dotnet/workflows/blob/main/README.md#{diagnostic.Id.ToLowerInvariant()}", diagnostic.Descriptor.HelpLinkUri);
        }
    }

    /// <summary>Asserts that a snippet raises no Workflows diagnostic at all.</summary>
    public static Task VerifyCleanAsync(string source) => VerifyAsync(source);

    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source) => AnalyzeAsync(source, []);

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, IReadOnlyList<(string Path, string Text)> additionalFiles)
    {
        // As in a real build, analyzers see the generator's output too.
        Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new Workflows.Generators.WorkflowGenerator())
            .WithUpdatedParseOptions(TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation compilation, out _);

        // The snippet itself must be valid C#; a compile error would make the test prove nothing. With
        // the generator's stand-ins for a workflow whose graph has errors, that holds for calls of its RunAsync too.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test snippet does not compile: " + string.Join("; ", errors));

        var options = new AnalyzerOptions([.. additionalFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text))]);
        return await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>An additional file (<c>AdditionalFiles</c> item) held in memory.</summary>
    internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
