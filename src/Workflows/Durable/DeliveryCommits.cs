using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>A commit of one delivery, and the attempt's error when it failed (for the log).</summary>
/// <param name="Commit">What to record.</param>
/// <param name="Error">The attempt's error, when it failed.</param>
/// <param name="Decision">What the run rules decided about that failure.</param>
internal sealed record BuiltCommit(DeliveryCommit Commit, Exception? Error, FailureDecision? Decision = null)
{
    /// <summary>Says whether the store, committing it, found the run stalled and ended it.</summary>
    public StallWatch? Stall { get; init; }

    /// <summary>The events it records, for an observer once committed (only when one is set): each, and whether it goes to the stream.</summary>
    public IReadOnlyList<(Event Event, bool Streamed)> Observed { get; init; } = [];
}

/// <summary>
/// Turns what a delivery's step did (<see cref="ExecutionResult"/>) into the one commit that records
/// it, by the run rules: each output's fate (<see cref="RunRules.Classify"/>), and after a failed
/// attempt a retry, a recovery or the end of the run (<see cref="RunRules.AfterFailure"/>). What the
/// step did that cannot be stored (a type its JSON context lacks) is that attempt's failure, never a
/// delivery released to run again and again.
/// </summary>
internal sealed class DeliveryCommits(WorkflowRuntimeOptions options)
{
    public BuiltCommit Build(ClaimedDelivery claim, DurableRegistration registration, ExecutionResult result)
    {
        BuiltCommit built = BuildCommit(claim, registration, result);
        if (built.Commit.StallFailure is not { } stall)
        {
            return built;
        }

        // The store decides a stall inside the commit's transaction; the watch lets the runtime say so after.
        var watch = new StallWatch(stall);
        return built with { Commit = built.Commit with { StallFailure = watch.Fail }, Stall = watch };
    }

    private BuiltCommit BuildCommit(ClaimedDelivery claim, DurableRegistration registration, ExecutionResult result)
    {
        if (result.End == ExecutionEnd.Returned && result.Output is EventList list && RunRules.NullItem(list.Items) is var hole and >= 0)
        {
            // As in memory: a list the run cannot route fails it, naming the item.
            var error = new InvalidOperationException(RunMessages.NullFanOutItem(StepName(registration, claim), registration.Name, hole));
            return new BuiltCommit(EndRun(claim, registration, result.Host, error), error);
        }

        try
        {
            return result.End switch
            {
                ExecutionEnd.Suspended => new BuiltCommit(Suspend(claim, registration, result.Host, result.WaitingFor!), null)
                {
                    Observed = options.Observer is null ? [] : [.. result.Host.Outputs.Where(o => o.IsPrompt).Select(o => (o.Event, true))],
                },
                ExecutionEnd.Returned => Completed(claim, registration, result.Host, result.Output),
                ExecutionEnd.Gathered => new BuiltCommit(Commit(claim, registration, DeliveryOutcome.Done, result.Host) with
                {
                    NotExecuted = true,
                    StateWrites = result.Host.StateWrites(),
                    StateReads = result.Host.StateReads(),
                }, null),
                ExecutionEnd.Broken => new BuiltCommit(EndRun(claim, registration, result.Host, result.Error!) with { NotExecuted = true }, result.Error),
                _ => Fail(claim, registration, result.Host, result.Event, result.Error!),
            };
        }
        catch (WorkflowSerializationException error) when (result.End != ExecutionEnd.Threw)
        {
            // What the step did cannot be stored: that attempt failed, and the rules say what follows.
            var attempt = new WorkflowSerializationException(
                $"Step '{StepName(registration, claim)}' of workflow '{registration.Name}' handled '{result.Event?.GetType().Name}', but what it did cannot be stored: {error.Message}",
                error);
            return FailOrEnd(claim, registration, result.Host, result.Event, attempt);
        }
        catch (WorkflowSerializationException error)
        {
            return new BuiltCommit(EndRun(claim, registration, result.Host, error), error);
        }
        catch (InvalidTaskAssignmentException error) when (result.End != ExecutionEnd.Threw)
        {
            // The step asked in a way no task can follow: that attempt failed, and the rules say what follows.
            return FailOrEnd(claim, registration, result.Host, result.Event, error);
        }
    }

    private BuiltCommit FailOrEnd(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Event? ev, Exception error)
    {
        try
        {
            return Fail(claim, registration, host, ev, error);
        }
        catch (WorkflowSerializationException)
        {
            // Not even the failure can be stored for a handler: the run ends with the attempt's error.
            return new BuiltCommit(EndRun(claim, registration, host, error), error);
        }
    }

    private DeliveryCommit Suspend(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, string waitingFor) => Commit(claim, registration, DeliveryOutcome.Waiting, host) with
    {
        WaitingFor = waitingFor,
        WaitUntil = host.WaitUntil,
        ChildRun = host.ChildRun,
        PromptedWaits = host.PromptedWaits,
        Events = [.. host.Outputs.Where(o => o.IsPrompt).Select(o => QuestionRecorder.Record(registration, claim, StepName(registration, claim), o.Event, options.TimeProvider.GetUtcNow()))],
    };

    private BuiltCommit Completed(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Event? output)
    {
        List<(Event, bool)>? observed = options.Observer is null ? null : [];
        return new BuiltCommit(Complete(claim, registration, host, output, observed), null) { Observed = observed ?? [] };
    }

    /// <summary>Records what the step did, in order: sends, stream writes, timers, then what it returned; each event's fate is the run rules'.</summary>
    private DeliveryCommit Complete(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Event? output, List<(Event, bool)>? observed)
    {
        string producer = StepName(registration, claim);
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        var events = new List<NewEvent>();
        RunCompletion? completion = null;
        int questions = 0;
        IEnumerable<DurableOutput> outputs = host.Outputs.Where(o => !o.IsPrompt);
        if (output is EventList fanOut)
        {
            outputs = outputs.Concat(FanOut(claim, registration, host, fanOut, producer, now, events));
        }
        else if (output is not null)
        {
            outputs = outputs.Append(new DurableOutput(output, EventRecordKind.Routed, default));
        }

        string? inherited = Rules.Lineage.Format(host.Lineage);
        foreach (DurableOutput produced in host.Outputs.Where(o => o.IsPrompt).Concat(outputs))
        {
            Event ev = produced.Event;
            string? lineage = produced.Lineage is { } branch ? Rules.Lineage.Format(branch) : inherited;
            if (produced.IsPrompt)
            {
                events.Add(QuestionRecorder.Record(registration, claim, producer, ev, now));
                observed?.Add((ev, true));
                continue;
            }

            if (produced.Kind == EventRecordKind.Streamed)
            {
                events.Add(registration.Record(ev, EventRecordKind.Streamed, producer, []));
                observed?.Add((ev, true));
                continue;
            }

            bool isStop = registration.IsStop(ev);
            List<NewDelivery> deliveries = isStop ? [] : registration.DeliveriesOf(ev, produced.Kind == EventRecordKind.Timer ? produced.DueAt : now);
            EventFate fate = RunRules.Classify(ev, isStop, deliveries.Count);
            if (fate == EventFate.EndsRun)
            {
                events.Add(registration.Record(ev, EventRecordKind.Streamed, producer, []));
                observed?.Add((ev, true));
                completion = new RunCompletion(WorkflowRunStatus.Completed, DurableSerializer.Name(ev.GetType()), registration.Serializer.Serialize(ev), null);
                break;
            }

            if (fate == EventFate.Unrouted)
            {
                string unrouted = RunMessages.Unrouted(RunMessages.Step(producer), registration.Name, ev.GetType());
                completion = new RunCompletion(WorkflowRunStatus.Failed, null, null, unrouted, new RunFailure(typeof(InvalidOperationException).FullName!, unrouted));
                break;
            }

            if (RunRules.IsStreamed(fate))
            {
                events.Add(QuestionRecorder.Record(registration, claim, producer, ev, now));
                observed?.Add((ev, true));
                questions++;
            }

            if (RunRules.IsRouted(fate))
            {
                events.Add(registration.Record(ev, produced.Kind, producer, deliveries) with { Lineage = lineage });
                observed?.Add((ev, false));
            }
        }

        return Commit(claim, registration, DeliveryOutcome.Done, host, lastEmpty: RunRules.ProducedNothing(output, registration.Definition.Steps[claim.Step])) with
        {
            Events = events,
            StateWrites = host.StateWrites(),
            StateReads = host.StateReads(),
            PromptedWaits = host.PromptedWaits,
            QuestionsAsked = questions,
            Completion = completion,
            Tags = host.Tags,
        };
    }

    /// <summary>
    /// The items of a fan-out, each in a branch of its own; the batch is this delivery (it commits once,
    /// so its id is unique). An empty one records, for each join that closes it, the empty list it runs with.
    /// </summary>
    private static IEnumerable<DurableOutput> FanOut(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, EventList fanOut, string producer, DateTimeOffset now, List<NewEvent> events)
    {
        Rules.Lineage[] branches = Rules.Lineage.Items(claim.DeliveryId, fanOut.Items.Count, claim.Step, host.Lineage);
        if (fanOut.Items.Count == 0)
        {
            foreach (int join in registration.Definition.Steps[claim.Step].FanOutJoins)
            {
                events.Add(new NewEvent(EventRecordKind.Routed, DurableSerializer.EventListType, "[]", producer, [registration.DeliveryTo(join, now)]) { Lineage = Rules.Lineage.Format(branches[0]) });
            }
        }

        return fanOut.Items.Select((item, i) => new DurableOutput(item, EventRecordKind.Routed, default, Lineage: branches[i]));
    }

    /// <summary>A failed attempt: what the run rules decide — retried after its delay, handed to the step's error handler, or the end of the run.</summary>
    private BuiltCommit Fail(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Event? ev, Exception error)
    {
        WorkflowDefinition workflow = registration.Definition;
        StepDefinition definition = workflow.Steps[claim.Step];
        string recoveriesKey = $"$recoveries:{definition.ErrorHandler}";
        int used = definition.ErrorHandler >= 0 && host.StoredInt(recoveriesKey) is { } recovered ? recovered : 0;
        FailureDecision decision = RunRules.AfterFailure(workflow, claim.Step, claim.Attempt, used, runEnding: false);
        if (decision.Action == FailureAction.Recover && ev is null)
        {
            // The handler would receive the event the step was given, and that cannot be read.
            decision = FailureDecision.FailRun;
        }

        DeliveryCommit commit;
        IReadOnlyList<(Event, bool)> observed = [];
        switch (decision.Action)
        {
            case FailureAction.Retry:
                commit = Commit(claim, registration, DeliveryOutcome.Retry, host) with
                {
                    RetryAt = options.TimeProvider.GetUtcNow() + decision.Delay,
                    Error = Describe(error),
                };
                break;
            case FailureAction.Recover:
                Event failed = new StepFailedEvent(definition.Name, ev!, error, claim.Attempt);
                commit = Commit(claim, registration, DeliveryOutcome.Failed, host) with
                {
                    Error = Describe(error),
                    Events = [registration.Record(failed, EventRecordKind.Routed, definition.Name, [registration.DeliveryTo(decision.Handler, options.TimeProvider.GetUtcNow())]) with { Lineage = Rules.Lineage.Format(host.Lineage) }],
                    StateWrites = [host.IntWrite(recoveriesKey, used + 1), .. host.CompletedJoinRemoval()],
                };
                observed = options.Observer is null ? [] : [(failed, false)];
                break;
            default:
                commit = EndRun(claim, registration, host, error);
                break;
        }

        return new BuiltCommit(commit, error, decision) { Observed = observed };
    }

    /// <summary>The attempt failed for good and nothing takes it: the run fails with the step's error, as in memory.</summary>
    private DeliveryCommit EndRun(ClaimedDelivery claim, DurableRegistration registration, DurableStepHost host, Exception error)
    {
        string step = StepName(registration, claim);
        return Commit(claim, registration, DeliveryOutcome.Failed, host) with
        {
            Error = Describe(error),
            Completion = new RunCompletion(
                WorkflowRunStatus.Failed,
                null,
                null,
                RunMessages.StepFailed(step, claim.Attempt, ExceptionType(error), error.Message),
                new RunFailure(ExceptionType(error), error.Message, step)),
        };
    }

    /// <summary>A commit of the delivery, with the failure the run ends with if the store finds it has nothing left to do.</summary>
    private DeliveryCommit Commit(ClaimedDelivery claim, DurableRegistration registration, DeliveryOutcome outcome, DurableStepHost host, bool lastEmpty = false) => new()
    {
        DeliveryId = claim.DeliveryId,
        WorkerId = options.WorkerId,
        RunId = claim.Run.RunId,
        Outcome = outcome,
        PromptedWaits = claim.PromptedWaits,
        StallFailure = () => new RunFailure(
            typeof(WorkflowStalledException).FullName!,
            RunMessages.Stalled(claim.Run.RunId, registration.Name, lastEmpty ? StepName(registration, claim) : null, host.OpenBatches(), host.OpenJoins(registration.Definition))),
    };

    private static string Describe(Exception error) => $"{ExceptionType(error)}: {error.Message}";

    /// <summary>The full name of an exception's type, as stored; a stored step exception keeps its original type.</summary>
    private static string ExceptionType(Exception error) => error is StoredStepException stored ? stored.OriginalType : error.GetType().FullName ?? error.GetType().Name;

    private static string StepName(DurableRegistration registration, ClaimedDelivery claim) => registration.Definition.Steps[claim.Step].Name;
}

/// <summary>The stall failure of one commit, remembered when the store asks for it (it asks only when the commit ends the run as stalled).</summary>
internal sealed class StallWatch(Func<RunFailure> failure)
{
    /// <summary>The failure the run ended with, once the store has asked.</summary>
    public RunFailure? Ended { get; private set; }

    public RunFailure Fail() => Ended = failure();
}
