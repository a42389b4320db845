namespace Workflows.Analyzers.Tests;

/// <summary>Every diagnostic's help link lands on its own section of the README, and the diagnostics table lists it.</summary>
public class HelpLinkTests
{
    [Fact]
    public void Every_diagnostic_has_an_anchor_a_section_and_a_table_row_in_the_README()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var ids = AnalyzerTest.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(28, ids.Count);
        Assert.All(ids, id =>
        {
            string anchor = id.ToLowerInvariant();
            Assert.Contains($"<a id=\"{anchor}\"></a>\n### {id}: ", readme, StringComparison.Ordinal);
            Assert.Contains($"| [{id}](#{anchor}) | ", readme, StringComparison.Ordinal);
        });
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Workflows.Generators.sln) is not above " + AppContext.BaseDirectory);
    }
}
