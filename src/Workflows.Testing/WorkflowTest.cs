namespace Workflows.Testing;

/// <summary>
/// Runs a workflow in a test: records every event and step attempt, answers InputRequiredEvents
/// from a script, and controls time with a <see cref="ManualTimeProvider"/> that, by default, jumps
/// to the next timer whenever the run is waiting on one (so retry delays and timeouts cost nothing).
/// </summary>
/// <example>
/// <code>
/// var test = new WorkflowTest()
///     .Answer&lt;ApprovalRequested&gt;(request =&gt; new ReviewerDecision(Approve: true, "test"));
/// var run = await test.RunAsync(options =&gt; new ReviewFlow().RunAsync(start, options));
/// run.AssertRan("Review", times: 4).AssertDidNotRun("Reject");
/// Assert.True(run.Result.Published);
/// </code>
/// </example>
public sealed class WorkflowTest
{
    private readonly List<(Type Prompt, Func<InputRequiredEvent, HumanResponseEvent> Answer)> _answers = [];

    /// <summary>The clock the run uses.</summary>
    public ManualTimeProvider Clock { get; } = new();

    /// <summary>What the run did.</summary>
    public WorkflowRecorder Recorder { get; } = new();

    /// <summary>
    /// Whether to advance <see cref="Clock"/> to the next timer when nothing has happened for
    /// <see cref="QuietPeriod"/> of real time. Default <see langword="true"/>.
    /// </summary>
    public bool AdvanceClockWhenIdle { get; set; } = true;

    /// <summary>How long the run must be quiet before the clock jumps. Default 20 ms.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest a test run may take in real time before it is cancelled. Default 30 s.</summary>
    public TimeSpan RealTimeLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The options to start the run with: this test's clock and recorder.</summary>
    public RunOptions Options => new() { TimeProvider = Clock, Observer = Recorder };

    /// <summary>Answers every <typeparamref name="TPrompt"/> the run asks with what <paramref name="answer"/> returns.</summary>
    /// <typeparam name="TPrompt">The InputRequiredEvent type (subtypes match too).</typeparam>
    /// <param name="answer">Makes the answer from the question.</param>
    /// <returns>This test, for chaining.</returns>
    public WorkflowTest Answer<TPrompt>(Func<TPrompt, HumanResponseEvent> answer)
        where TPrompt : InputRequiredEvent
    {
        ArgumentNullException.ThrowIfNull(answer);
        _answers.Add((typeof(TPrompt), prompt => answer((TPrompt)prompt)));
        return this;
    }

    /// <summary>
    /// Starts the run with <see cref="Options"/>, answers its questions, and returns its result and
    /// record. Throws the run's own exception if it fails, or <see cref="WorkflowAssertionException"/>
    /// if it asks something the test has no answer for or outlives <see cref="RealTimeLimit"/>.
    /// </summary>
    /// <typeparam name="TStop">The workflow's StopEvent type.</typeparam>
    /// <param name="start">Starts the run with the given options, e.g. <c>options =&gt; flow.RunAsync(start, options)</c>.</param>
    /// <returns>The finished run.</returns>
    public async Task<WorkflowTestResult<TStop>> RunAsync<TStop>(Func<RunOptions, WorkflowHandler<TStop>> start)
        where TStop : StopEvent
    {
        ArgumentNullException.ThrowIfNull(start);
        WorkflowHandler<TStop> handler = start(Options);
        using var stopClock = new CancellationTokenSource();
        Task clock = AdvanceClockWhenIdle ? DriveClockAsync(handler, stopClock.Token) : Task.CompletedTask;
        try
        {
            // The run's own exceptions (a TimeoutException among them) pass through; only the real-time limit is ours.
            Task answering = AnswerQuestionsAsync(handler);
            if (await Task.WhenAny(answering, Task.Delay(RealTimeLimit, stopClock.Token)).ConfigureAwait(false) != answering)
            {
                handler.Cancel();
                throw new WorkflowAssertionException(
                    $"Run '{handler.RunId}' of '{handler.WorkflowName}' did not finish within {RealTimeLimit} of real time. Last events: " +
                    string.Join(", ", Recorder.Events.TakeLast(5).Select(e => $"{e.Kind} {e.Event.GetType().Name}")));
            }

            await answering.ConfigureAwait(false);
        }
        finally
        {
            await stopClock.CancelAsync().ConfigureAwait(false);
            await clock.ConfigureAwait(false);
        }

        return new WorkflowTestResult<TStop>(await handler.Result.ConfigureAwait(false), handler, Recorder);
    }

    private async Task AnswerQuestionsAsync(WorkflowHandler handler)
    {
        await foreach (Event ev in handler.StreamEvents().ConfigureAwait(false))
        {
            if (ev is not InputRequiredEvent question)
            {
                continue;
            }

            Func<InputRequiredEvent, HumanResponseEvent>? answer = _answers.LastOrDefault(a => a.Prompt.IsInstanceOfType(question)).Answer;
            if (answer is null)
            {
                handler.Cancel();
                throw new WorkflowAssertionException(
                    $"Run '{handler.RunId}' of '{handler.WorkflowName}' asked {question} but the test has no answer for it. " +
                    $"Add test.Answer<{question.GetType().Name}>(question => ...).");
            }

            await handler.SendEventAsync(answer(question)).ConfigureAwait(false);
        }
    }

    private async Task DriveClockAsync(WorkflowHandler handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && handler.Status == WorkflowRunStatus.Running)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Recorder.Quiet >= QuietPeriod && Clock.PendingTimers.Count > 0)
            {
                Clock.AdvanceToNextTimer();
            }
        }
    }
}
