using System.Globalization;
using System.Text;

namespace Workflows.Rules;

/// <summary>
/// Every message a run gives its user about the run itself, built in one place so that a run in
/// memory and a durable run say the same thing about the same mistake.
/// </summary>
internal static class RunMessages
{
    /// <summary>Who produced an event, for messages: a step by name.</summary>
    public static string Step(string name) => $"Step '{name}'";

    /// <summary>Who produced an event when it was the caller starting the run.</summary>
    public const string Caller = "The caller of RunAsync";

    /// <summary>Who produced an event sent in from outside.</summary>
    public const string Outside = "SendEventAsync";

    /// <summary>Who produced an event with <c>ctx.Send</c> from a step's asynchronous continuation, when the host cannot tell which step it was.</summary>
    public const string SomeStep = "A step (with ctx.Send)";

    /// <summary>An event that reaches no step (<see cref="EventFate.Unrouted"/>): the run fails with this.</summary>
    /// <param name="producer">Who produced it (<see cref="Step"/>, <see cref="Caller"/>, …).</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="eventType">The event's type.</param>
    /// <returns>The message.</returns>
    public static string Unrouted(string producer, string workflow, Type eventType) =>
        $"{producer} produced '{eventType.Name}', but no step of workflow '{workflow}' accepts it. " +
        $"Add a step that takes it, or declare it with [Emits(typeof({eventType.Name}))] so the analyzers check the graph.";

    /// <summary>
    /// A run that can make no more progress: nothing pending, nothing running, no timer, nothing it
    /// could take from outside, and no StopEvent.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="lastEmptyStep">The last step that produced no event, if any.</param>
    /// <param name="openBatches">Fan-in batches that never filled: the gathered type's name and how many it holds.</param>
    /// <param name="openJoins">Joins still waiting for branches of a fan-out.</param>
    /// <returns>The message.</returns>
    public static string Stalled(string runId, string workflow, string? lastEmptyStep, IEnumerable<(string Type, int Count)> openBatches, IEnumerable<OpenJoin>? openJoins = null)
    {
        var text = new StringBuilder($"Run '{runId}' of workflow '{workflow}' stalled: no event is pending, no step is running, and no StopEvent was produced.");
        if (lastEmptyStep is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" The last step to produce nothing was '{lastEmptyStep}' (it returned no event).");
        }

        foreach ((string type, int count) in openBatches)
        {
            if (count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" ctx.Collect holds {count} '{type}' event(s) of a batch that never filled.");
            }
        }

        foreach (OpenJoin join in openJoins ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $" Step '{join.Join}' has {join.Filled} of the {join.Size} item(s) of the fan-out by step '{join.FanOut}'; a branch ended without producing its item.");
        }

        return text.ToString();
    }

    /// <summary>A join (a step taking <c>IReadOnlyList&lt;T&gt;</c>) given an item that descends from no fan-out.</summary>
    /// <param name="join">The join step's name.</param>
    /// <param name="producer">Who produced the item (<see cref="Step"/>, <see cref="Caller"/>, …).</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="eventType">The item's type.</param>
    /// <returns>The message.</returns>
    public static string JoinOutsideFanOut(string join, string producer, string workflow, Type eventType) =>
        $"{producer} produced '{eventType.Name}' for step '{join}' of workflow '{workflow}', which joins the '{eventType.Name}' items of one fan-out, " +
        $"but this one descends from no fan-out (no step before it returned a list). Return IReadOnlyList<{eventType.Name}> from a step upstream, or have '{join}' take a single '{eventType.Name}'.";

    /// <summary>A fan-out whose list holds a null.</summary>
    /// <param name="step">The step that returned the list.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="index">The null item's position, from 0.</param>
    /// <returns>The message.</returns>
    public static string NullFanOutItem(string step, string workflow, int index) =>
        $"Step '{step}' of workflow '{workflow}' returned a list whose item {index} is null; every item of a fan-out is an event to route. Leave it out of the list instead.";

    /// <summary>A branch of a fan-out that gave a join a second item.</summary>
    /// <param name="join">The join step's name.</param>
    /// <param name="fanOut">The step that fanned out.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="eventType">The item's type.</param>
    /// <param name="index">The branch, from 0.</param>
    /// <param name="size">How many branches the fan-out made.</param>
    /// <returns>The message.</returns>
    public static string JoinRepeated(string join, string fanOut, string workflow, Type eventType, int index, int size) =>
        $"Branch {index + 1} of {size} of the fan-out by step '{fanOut}' gave step '{join}' of workflow '{workflow}' a second '{eventType.Name}'; " +
        $"a join takes one item per branch. Make the branch produce one '{eventType.Name}' (use ctx.Send and ctx.Collect to gather a varying number).";

    /// <summary>An event sent in from outside that no step takes and no step waits for.</summary>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="eventType">The event's type.</param>
    /// <param name="external">The event types the workflow takes from outside.</param>
    /// <returns>The message.</returns>
    public static string NotAccepted(string workflow, Type eventType, IReadOnlyList<GraphEvent> external) =>
        $"Workflow '{workflow}' has no step that accepts '{eventType.Name}' and no step is waiting for one. " +
        $"It accepts from outside: {(external.Count == 0 ? "nothing" : string.Join(", ", external.Select(e => e.Name)))}.";

    /// <summary>Something asked of a run that has ended.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="consequence">What it therefore does not do ("accepts no more events").</param>
    /// <returns>The message.</returns>
    public static string Ended(string runId, string workflow, WorkflowRunStatus status, string consequence) =>
        $"Run '{runId}' of workflow '{workflow}' has {Describe(status)}; it {consequence}.";

    /// <summary>A run that was cancelled.</summary>
    public static string Cancelled(string runId, string workflow) => $"Run '{runId}' of workflow '{workflow}' was cancelled.";

    /// <summary>A run that did not finish within its timeout.</summary>
    public static string TimedOut(string runId, string workflow, TimeSpan timeout) =>
        $"Run '{runId}' of workflow '{workflow}' did not finish within {timeout}; its steps in flight were cancelled.";

    /// <summary>A child run cancelled because the run that started it ended.</summary>
    public static string ParentEnded(string runId, string workflow, string parentRunId) =>
        $"Run '{runId}' of workflow '{workflow}' was cancelled: the run that started it, '{parentRunId}', has ended.";

    /// <summary>A durable step running a child workflow that the runtime does not know.</summary>
    public static string ChildNotRegistered(string workflow, string child) =>
        $"A step of workflow '{workflow}' runs workflow '{child}', which is not registered with this runtime. " +
        $"A durable step runs a child as a durable run of its own: register it too (Register<{child}>(...) or AddDurableWorkflow<{child}>(...)).";

    /// <summary>A step waiting for input when its run completed without it.</summary>
    public static string CompletedWhileWaiting(string runId, string workflow) =>
        $"Run '{runId}' of workflow '{workflow}' completed while a step was still waiting for input.";

    /// <summary>A step that failed for good, as a durable run records it.</summary>
    /// <param name="step">The step's name.</param>
    /// <param name="attempts">How many attempts it made.</param>
    /// <param name="errorType">The full name of its exception's type.</param>
    /// <param name="message">The exception's message.</param>
    /// <returns>The message.</returns>
    public static string StepFailed(string step, int attempts, string errorType, string message) =>
        $"Step '{step}' failed after {attempts} attempt(s): {errorType}: {message}";

    /// <summary>A stored run whose workflow's shape changed since it started.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="storedFingerprint">The fingerprint it started under.</param>
    /// <param name="storedShape">The shape it started under.</param>
    /// <param name="fingerprint">This build's fingerprint.</param>
    /// <param name="shape">This build's shape.</param>
    /// <returns>The message, with what changed line by line.</returns>
    public static string VersionMismatch(string runId, string workflow, string storedFingerprint, string storedShape, string fingerprint, string shape)
    {
        string[] before = storedShape.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] now = shape.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> removed = before.Except(now, StringComparer.Ordinal).Select(line => "  - " + line);
        IEnumerable<string> added = now.Except(before, StringComparer.Ordinal).Select(line => "  + " + line);
        IEnumerable<string> breaking = ShapeChanges.Compare(storedShape, shape).Where(static c => c.IsBreaking).Select(static c => c.Description);
        return $"Run '{runId}' of workflow '{workflow}' started under fingerprint {storedFingerprint}; this build's is {fingerprint}, which {string.Join("; ", breaking)}. Changed:\n" +
            string.Join("\n", removed.Concat(added));
    }

    /// <summary>An operator's control that the run's status does not allow.</summary>
    /// <param name="run">The run, as it is.</param>
    /// <param name="control">What was asked.</param>
    /// <returns>The message: what the run is, and what the control needs.</returns>
    public static string ControlRefused(Durable.RunRecord run, Durable.RunControl control)
    {
        string now = run.IsFinished ? $"has {Describe(run.Status)}" : run.Status switch
        {
            WorkflowRunStatus.Suspended => "is suspended",
            WorkflowRunStatus.Queued => "is queued",
            WorkflowRunStatus.WaitingForInput => "is waiting for input",
            _ => "is running",
        };
        string needs = control switch
        {
            Durable.RunControl.Suspend => "only a running, waiting or queued run can be suspended",
            Durable.RunControl.Resume => "only a suspended run can be resumed",
            _ => "only a failed run can be retried",
        };
        return $"Run '{run.RunId}' of workflow '{run.Workflow}' {now}; {needs}.";
    }

    /// <summary>A failed run whose failure was no step's: there is no delivery to run again.</summary>
    public static string NothingToRetry(Durable.RunRecord run) =>
        $"Run '{run.RunId}' of workflow '{run.Workflow}' failed without a step failing ({run.Error}); there is no failed step to run again. Start a new run instead.";

    /// <summary>The text of an outcome, for messages: "completed", "failed", ….</summary>
    public static string Describe(WorkflowRunStatus status) => status switch
    {
        WorkflowRunStatus.Completed => "completed",
        WorkflowRunStatus.Failed => "failed",
        WorkflowRunStatus.Cancelled => "been cancelled",
        WorkflowRunStatus.TimedOut => "timed out",
        _ => "not ended",
    };
}

/// <summary>A join still waiting for branches of a fan-out, for the stalled message.</summary>
/// <param name="Join">The join step.</param>
/// <param name="FanOut">The step that fanned out.</param>
/// <param name="Filled">How many items it has.</param>
/// <param name="Size">How many it waits for.</param>
internal readonly record struct OpenJoin(string Join, string FanOut, int Filled, int Size);
