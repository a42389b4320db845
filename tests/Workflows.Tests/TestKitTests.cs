using DocumentReview;
using Workflows.Testing;
using Workflows.Tests.Flows;

namespace Workflows.Tests;

/// <summary>Workflows.Testing, used the way a user's test would use it.</summary>
public class TestKitTests
{
    [Fact]
    public async Task A_test_run_answers_questions_from_a_script_and_records_everything_in_order()
    {
        // The README's "Testing workflows" block is a fragment of this test.
        TimeSpan reviewTime = TimeSpan.FromSeconds(1);
        var start = new DocumentSubmitted(SampleDocument.Title, SampleDocument.Text);

        var test = new WorkflowTest()
            .Answer<ApprovalRequested>(request => new ReviewerDecision(Approve: true) { AnsweredBy = "test" });

        var run = await test.RunAsync(options => new ReviewFlow(reviewTime).RunAsync(start, options));

        run.AssertRan("Review", times: 4).AssertAttempts("Review", 4).AssertRan("Decide");
        Assert.IsType<DocumentSubmitted>(run.Routed[0]);
        Assert.True(run.Result.Published);
        // Gather joins the four reviews: it runs once, with all of them.
        run.AssertRan("Split").AssertRan("Gather", times: 1).AssertRan("Publish");
        Assert.Equal(4, run.Routed.OfType<SectionToReview>().Count());
        Assert.Equal(typeof(ReviewCompleted), run.Streamed[^1].GetType());
        Assert.Contains(run.Streamed, e => e is ApprovalRequested);
        Assert.Equal("Decide", run.Recorder.Events.Single(e => e.Event is ReadyToPublish).Producer);
    }

    [Fact]
    public async Task The_manual_clock_jumps_over_retry_delays_when_the_run_is_idle()
    {
        var test = new WorkflowTest();

        await Assert.ThrowsAsync<TimeoutException>(() => test.RunAsync(options => new BackoffFlow().RunAsync(new Attempt(0), options)));

        Assert.Equal(4, test.Recorder.AttemptsOf("AlwaysFails"));
        Assert.Equal([AttemptOutcome.Retried, AttemptOutcome.Retried, AttemptOutcome.Retried, AttemptOutcome.Failed], test.Recorder.Attempts.Select(a => a.Outcome));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 700, TimeSpan.Zero), test.Clock.GetUtcNow());
    }

    [Fact]
    public async Task A_question_without_an_answer_fails_the_test_saying_which()
    {
        var test = new WorkflowTest();

        var error = await Assert.ThrowsAsync<WorkflowAssertionException>(() => test.RunAsync(options => new ApprovalByEventsFlow().RunAsync(new Draft("x"), options)));

        Assert.Contains("asked ReviewRequested { Text = x } but the test has no answer for it. Add test.Answer<ReviewRequested>(question => ...).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_expectation_says_what_ran()
    {
        var run = await new WorkflowTest().RunAsync(options => new LinearFlow().RunAsync(new Begin(1), options));

        var error = Assert.Throws<WorkflowAssertionException>(() => run.AssertRan("Twice", times: 2));

        Assert.Equal("Step 'Twice' ran 1 time(s), expected 2. Steps that ran: Twice ×1, Increment ×1, Finish ×1.", error.Message);
        run.AssertRoutedInOrder(typeof(Begin), typeof(Doubled), typeof(Incremented), typeof(Finished));
    }
}
