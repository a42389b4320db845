namespace Workflows.Package.Tests;

/// <summary>
/// The DocumentReview sample (fan-out, retries, a question, the typed handler) published Native AOT
/// from the repository with no trimming or AOT warning, and run. In the packed feed's collection so
/// that its Release build never overlaps the pack's.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class NativeSampleTests(PackedFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task DocumentReview_publishes_native_with_no_warning_and_reviews_the_document()
    {
        string published = Path.Combine(feed.Root, "document-review");
        CommandResult publish = (await DotNetCli.DotNetAsync(RepositoryPaths.Root, FreshProject.Limit, "publish", "samples/DocumentReview", "-c", "Release", "-o", published)).Succeeded();
        Assert.Empty(FreshProject.Diagnostics(publish, "warning"));

        string executable = Path.Combine(published, "DocumentReview");
        CommandResult run = (await DotNetCli.RunAsync(executable, published, TimeSpan.FromMinutes(1), "--auto-approve")).Succeeded();
        Assert.Contains("4 sections, three reviewers", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"Quarterly report\" published, approved by --auto-approve.", run.Output, StringComparison.Ordinal);
        output.WriteLine($"DocumentReview: native executable {new FileInfo(executable).Length / 1024.0 / 1024.0:0.0} MB, published in {publish.Took.TotalSeconds:0} s, ran in {run.Took.TotalMilliseconds:0} ms (four 400 ms reviews, three at a time)");
    }
}
