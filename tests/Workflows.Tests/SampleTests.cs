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
                    await handler.SendEventAsync(new ReviewerDecision(approve, "ana"));
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
    public async Task An_empty_document_fails_at_once_as_stalled_instead_of_waiting_for_a_reviewer()
    {
        WorkflowHandler<ReviewCompleted> handler = new ReviewFlow(TimeSpan.Zero).RunAsync(new DocumentSubmitted("Empty", string.Empty));

        var error = await Assert.ThrowsAsync<WorkflowStalledException>(() => Within.Seconds(handler.Result));

        Assert.Contains("The last step to produce nothing was 'Split'", error.Message, StringComparison.Ordinal);
    }
}
