using System.Diagnostics;
using DocumentReview;
using Workflows.Tests.Support;

namespace Workflows.Tests;

/// <summary>The DocumentReview sample's workflow, driven the way its Program drives it.</summary>
public class SampleTests
{
    [Theory]
    [InlineData(true, true, "published, approved by ana")]
    [InlineData(false, false, "rejected by ana")]
    public async Task The_review_sample_asks_about_its_finding_and_follows_the_answer(bool approve, bool published, string outcome)
    {
        var flow = new ReviewFlow(reviewTime: TimeSpan.FromMilliseconds(5));
        WorkflowHandler<ReviewCompleted> handler = flow.RunAsync(new DocumentSubmitted(SampleDocument.Title, SampleDocument.Text));

        var progress = new List<string>();
        ApprovalRequested? asked = null;
        await foreach (Event ev in handler.StreamEvents())
        {
            switch (ev)
            {
                case Progress p:
                    progress.Add(p.Message);
                    break;
                case ApprovalRequested request:
                    asked = request;
                    await handler.SendEventAsync(new ReviewerDecision(approve) { AnsweredBy = "ana" });
                    break;
            }
        }

        ReviewCompleted result = await Within.Seconds(handler.Result);
        Assert.Equal(published, result.Published);
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(["Results: still says TODO"], asked!.Findings);
        Assert.Equal(5, progress.Count);
    }

    [Fact]
    public async Task A_clean_document_publishes_without_asking()
    {
        const string Text = "## One\nThis section has plenty of words to pass the review.\n## Two\nAnd so does this one, with more than eight words in it.";
        WorkflowHandler<ReviewCompleted> handler = new ReviewFlow(TimeSpan.Zero).RunAsync(new DocumentSubmitted("Clean", Text));

        await foreach (Event ev in handler.StreamEvents())
        {
            Assert.IsNotType<ApprovalRequested>(ev);
        }

        Assert.Equal("published, approved by the reviewers", (await handler).Outcome);
    }

    [Fact]
    public async Task An_empty_document_fans_out_to_no_reviews_and_goes_to_a_person_saying_it_has_no_sections()
    {
        var test = new Workflows.Testing.WorkflowTest()
            .Answer<ApprovalRequested>(request => new ReviewerDecision(Approve: false) { AnsweredBy = "ana" });

        var run = await test.RunAsync(options => new ReviewFlow(TimeSpan.Zero).RunAsync(new DocumentSubmitted("Empty", string.Empty), options));

        run.AssertDidNotRun("Review").AssertRan("Gather").AssertRan("Decide");
        Assert.Equal(["the document has no sections"], run.Streamed.OfType<ApprovalRequested>().Single().Findings);
        Assert.Equal("rejected by ana", run.Result.Outcome);
    }

    [Fact]
    public async Task With_standard_input_closed_the_sample_refuses_to_decide_and_says_how_to_approve()
    {
        (int exit, string output, string error) = await RunSampleAsync();

        Assert.Equal(3, exit);
        Assert.Contains("4 sections, three reviewers", output, StringComparison.Ordinal);
        Assert.Contains("(1 finding)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("published", output, StringComparison.Ordinal);
        Assert.Contains("standard input is closed, so nobody can approve", error, StringComparison.Ordinal);
        Assert.Contains("--auto-approve", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_auto_approve_the_sample_publishes_and_counts_in_the_singular_where_it_should()
    {
        string file = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(file, "## Only\nshort");
        try
        {
            (int exit, string output, string error) = await RunSampleAsync("--auto-approve", "--file", file);

            Assert.True(exit == 0, error);
            Assert.Contains(": 1 section, three reviewers", output, StringComparison.Ordinal);
            Assert.Contains("Only: only 1 word", output, StringComparison.Ordinal);
            Assert.Contains("published, approved by --auto-approve", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the sample's program as a user would, with standard input closed.</summary>
    private static async Task<(int Exit, string Output, string Error)> RunSampleAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DocumentReview.dll"), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, output, await error);
    }
}
