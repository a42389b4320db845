using Workflows.Infrastructure;

namespace Workflows.Rules;

/// <summary>
/// The run rules, in one place: what becomes of a produced event, what follows a failed attempt,
/// how a fan-in batch fills. Pure functions of their arguments, without side effects: the in-memory
/// host (<see cref="Engine.InMemoryRun"/>) and the durable host (<see cref="Durable.WorkflowRuntime"/>)
/// both call them and only apply the decisions, so the two can never disagree on what a run does.
/// The user-facing messages live beside them, in <see cref="RunMessages"/>.
/// </summary>
internal static class RunRules
{
    /// <summary>What becomes of <paramref name="ev"/>, produced by a run.</summary>
    /// <param name="ev">The event.</param>
    /// <param name="isStop">Whether it is the workflow's StopEvent type.</param>
    /// <param name="consumers">How many steps accept it (the generated dispatcher's route).</param>
    /// <returns>Its fate.</returns>
    public static EventFate Classify(Event ev, bool isStop, int consumers)
    {
        if (isStop)
        {
            return EventFate.EndsRun;
        }

        if (ev is InputRequiredEvent)
        {
            return consumers == 0 ? EventFate.Streamed : EventFate.StreamedAndRouted;
        }

        return consumers == 0 ? EventFate.Unrouted : EventFate.Routed;
    }

    /// <summary>Whether an event of this fate is written to the run's stream.</summary>
    public static bool IsStreamed(EventFate fate) => fate is EventFate.Streamed or EventFate.StreamedAndRouted;

    /// <summary>Whether an event of this fate goes to steps.</summary>
    public static bool IsRouted(EventFate fate) => fate is EventFate.Routed or EventFate.StreamedAndRouted;

    /// <summary>
    /// Whether a run has stalled: no step is running (a step waiting in <c>WaitForAsync</c> counts as
    /// running), no event or timer is pending, and no question it asked (an
    /// <see cref="InputRequiredEvent"/> it produced) is still unanswered. A run waits for a person only
    /// while it has asked one something; otherwise it fails with <see cref="WorkflowStalledException"/>.
    /// </summary>
    /// <param name="running">Steps running or waiting for an answer.</param>
    /// <param name="pending">Events waiting to be routed, deliveries waiting to run, timers not yet due.</param>
    /// <param name="openQuestions">Questions the run asked that no event from outside has answered yet.</param>
    /// <returns>Whether the run can never make progress again.</returns>
    public static bool HasStalled(int running, int pending, int openQuestions) => running == 0 && pending == 0 && openQuestions == 0;

    /// <summary>
    /// Whether a failed attempt is followed by another: attempts remain, and the run is not ending
    /// (a step failing because its run was cancelled or timed out is not retried).
    /// </summary>
    /// <param name="step">The step.</param>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="runEnding">Whether the run is ending (cancelled, timed out, completed).</param>
    /// <returns>Whether to try again.</returns>
    public static bool WillRetry(StepDefinition step, int attempt, bool runEnding) => attempt < step.MaxAttempts && !runEnding;

    /// <summary>How long to wait after failed attempt <paramref name="attempt"/> before the next one.</summary>
    public static TimeSpan RetryDelay(StepDefinition step, int attempt) => step.DelayAfter(attempt);

    /// <summary>
    /// The error handler that takes a step's final failure, or -1 when the run fails: the step's
    /// <see cref="CatchErrorsAttribute"/> handler, while it has recoveries left in this run.
    /// </summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="step">The step that failed for good.</param>
    /// <param name="recoveriesUsed">How many failures the step's handler already turned into events in this run.</param>
    /// <param name="runEnding">Whether the run is ending: then nothing recovers.</param>
    /// <returns>The handler's index, or -1.</returns>
    public static int RecoveringHandler(WorkflowDefinition workflow, int step, int recoveriesUsed, bool runEnding)
    {
        int handler = workflow[step].ErrorHandler;
        return handler >= 0 && !runEnding && recoveriesUsed < workflow[handler].MaxRecoveries ? handler : -1;
    }

    /// <summary>The whole decision after a failed attempt: retry, recover through a handler, or fail the run.</summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="step">The step whose attempt failed.</param>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="recoveriesUsed">How many failures the step's handler already recovered in this run.</param>
    /// <param name="runEnding">Whether the run is ending.</param>
    /// <returns>The decision.</returns>
    public static FailureDecision AfterFailure(WorkflowDefinition workflow, int step, int attempt, int recoveriesUsed, bool runEnding)
    {
        StepDefinition definition = workflow[step];
        if (WillRetry(definition, attempt, runEnding))
        {
            return FailureDecision.Retry(RetryDelay(definition, attempt));
        }

        int handler = RecoveringHandler(workflow, step, recoveriesUsed, runEnding);
        return handler >= 0 ? FailureDecision.Recover(handler) : FailureDecision.FailRun;
    }

    /// <summary>
    /// Fan-in: adds <paramref name="item"/> to <paramref name="batch"/> (arrival order) and says whether
    /// a batch is complete: the first <paramref name="count"/> items. The caller takes them, then calls
    /// <see cref="TakeBatch"/>; later arrivals start the next batch.
    /// </summary>
    /// <typeparam name="T">What is gathered (an event, or an event as stored).</typeparam>
    /// <param name="batch">The items gathered so far; changed in place.</param>
    /// <param name="item">The item that arrived.</param>
    /// <param name="count">How many make a batch; at least 1.</param>
    /// <returns>Whether the first <paramref name="count"/> items make a complete batch.</returns>
    public static bool Collect<T>(List<T> batch, T item, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        batch.Add(item);
        return batch.Count >= count;
    }

    /// <summary>Removes a complete batch (its first <paramref name="count"/> items) once the caller has taken it.</summary>
    public static void TakeBatch<T>(List<T> batch, int count) => batch.RemoveRange(0, count);

    /// <summary>
    /// Whether a step's output produced nothing (for the stalled message's "last step to produce
    /// nothing"): no event, or an empty fan-out with no join to give the empty list to.
    /// </summary>
    public static bool ProducedNothing(Event? output, StepDefinition step) =>
        output is null || (output is EventList { Items.Count: 0 } && step.FanOutJoins.Count == 0);

    /// <summary>The position of the first null in a fan-out's list, or -1: a list holding one fails the run before any item is routed.</summary>
    public static int NullItem(IReadOnlyList<Event?> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The lineage of a join's output: the join closes the fan-out its items came from, so what it
    /// produces stands where the fan-out step's own event stood.
    /// </summary>
    public static Lineage? AfterJoin(Lineage item) => item.Parent;

    /// <summary>
    /// Fan-in by lineage: puts <paramref name="item"/>, which descends from item <paramref name="index"/>
    /// of a fan-out, in its slot of that fan-out's batch. Items are kept in the fan-out's order, not in
    /// arrival order, so a join sees the same list however its branches interleave.
    /// </summary>
    /// <typeparam name="T">What is gathered (an event, or an event as stored).</typeparam>
    /// <param name="slots">One slot per item of the fan-out; changed in place.</param>
    /// <param name="filled">How many slots hold an item; updated.</param>
    /// <param name="index">The item's slot.</param>
    /// <param name="item">What arrived.</param>
    /// <returns>Whether the batch is now complete, still waiting, or already had an item in that slot.</returns>
    public static JoinArrival Join<T>(T?[] slots, ref int filled, int index, T item)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, slots.Length);
        if (slots[index] is not null)
        {
            return JoinArrival.Repeated;
        }

        slots[index] = item;
        filled++;
        return filled == slots.Length ? JoinArrival.Complete : JoinArrival.Waiting;
    }
}

/// <summary>What an item arriving at a join came to (<see cref="RunRules.Join"/>).</summary>
internal enum JoinArrival
{
    /// <summary>Kept: other branches of the fan-out have not produced theirs yet.</summary>
    Waiting,

    /// <summary>The last item: the join step runs with all of them.</summary>
    Complete,

    /// <summary>The branch already produced its item for this join: a second one is the workflow's mistake, and fails the run.</summary>
    Repeated,
}
