using System.Diagnostics;
using Workflows.Diagnostics;
using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Engine;

// Running steps: worker limits, inline invocation, asynchronous completion, retries and timeouts.
internal abstract partial class InMemoryRun
{
    // The run whose loop is executing a step synchronously on this thread, so ctx.Send can skip the inbox.
    [ThreadStatic]
    private static InMemoryRun? t_inlineRun;

    private int _inlineStep = Producer.UnknownStep;
    private Lineage? _inlineLineage;

    private void Deliver(int step, Event ev, Lineage? lineage, long waitingSince = 0)
    {
        StepDefinition definition = _definition[step];
        if (_slots.IsFull(step, definition.Workers))
        {
            _slots.Wait(step, ev, lineage, Stopwatch.GetTimestamp());
            return;
        }

        if (definition.Workers > 1)
        {
            // A step that asked for concurrency runs on the thread pool, so even synchronous bodies overlap.
            _slots.Begin(step, _definition.Steps.Count);
            _ = RunInvocationAsync(step, ev, lineage, attempt: default, onThreadPool: true, waitingSince);
            return;
        }

        InvokeInline(step, ev, lineage, definition, waitingSince);
    }

    private void InvokeInline(int step, Event ev, Lineage? lineage, StepDefinition definition, long waitingSince)
    {
        InMemoryRun? outerRun = t_inlineRun;
        int outerStep = _inlineStep;
        Lineage? outerLineage = _inlineLineage;
        bool keepsBranch = lineage is not null && definition.SendsEvents;
        (InMemoryRun, Lineage) outerBranch = keepsBranch ? s_branch.Value : default;
        t_inlineRun = this;
        _inlineStep = step;
        _inlineLineage = lineage;
        if (keepsBranch)
        {
            // A branch that goes asynchronous keeps its lineage for what it sends later.
            s_branch.Value = (this, lineage!);
        }

        ValueTask<Event?> attempt;
        try
        {
            attempt = InvokeAttempt(step, ev, definition, number: 1, waitingSince);
        }
        finally
        {
            t_inlineRun = outerRun;
            _inlineStep = outerStep;
            _inlineLineage = outerLineage;
            if (keepsBranch)
            {
                s_branch.Value = outerBranch;
            }
        }

        if (attempt.IsCompletedSuccessfully)
        {
            Produce(attempt.Result, step, lineage);
            return;
        }

        _slots.Begin(step, _definition.Steps.Count);
        _ = RunInvocationAsync(step, ev, lineage, attempt, onThreadPool: false, waitingSince: 0);
    }

    /// <summary>Starts waiting events of a step that just freed a worker.</summary>
    private void DeliverWaiting(int step)
    {
        int workers = _definition[step].Workers;
        while (Status == WorkflowRunStatus.Running && _slots.TryTakeWaiting(step, workers, out WaitingEvent next))
        {
            Deliver(step, next.Event, next.Lineage, next.Since);
        }
    }

    /// <summary>
    /// Finishes an invocation off the loop: awaits the attempt, retries while the rules say so, and
    /// reports the outcome to the loop through the inbox. Never throws.
    /// </summary>
    private async Task RunInvocationAsync(int step, Event ev, Lineage? lineage, ValueTask<Event?> attempt, bool onThreadPool, long waitingSince)
    {
        StepDefinition definition = _definition[step];
        if (lineage is not null && definition.SendsEvents)
        {
            // Scoped to this invocation's flow: what it sends, on any attempt, stays in its branch.
            s_branch.Value = (this, lineage);
        }

        if (onThreadPool)
        {
            await ThreadPoolSwitch.Instance;
            attempt = InvokeAttempt(step, ev, definition, number: 1, waitingSince);
        }

        for (int number = 1; ; number++)
        {
            try
            {
                Event? output = await attempt.ConfigureAwait(false);
                _inbox.Post(InboxMessage.Completed(step, output, lineage));
                return;
            }
            catch (Exception error) when (RunRules.WillRetry(definition, number, IsEnding(error)))
            {
                // Retried below, after the delay.
            }
            catch (Exception error)
            {
                _inbox.Post(InboxMessage.Failed(step, new StepFailure(ev, error, number, lineage)));
                return;
            }

            try
            {
                TimeSpan delay = RunRules.RetryDelay(definition, number);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, RunToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException error)
            {
                _inbox.Post(InboxMessage.Failed(step, new StepFailure(ev, error, number, lineage)));
                return;
            }

            attempt = InvokeAttempt(step, ev, definition, number + 1, waitingSince: 0);
        }
    }

    /// <summary>Whether an error only reflects that the run itself is ending (so no retry, no recovery).</summary>
    private bool IsEnding(Exception error) =>
        Status != WorkflowRunStatus.Running ||
        (error is OperationCanceledException && Volatile.Read(ref _cts) is { IsCancellationRequested: true });

    /// <summary>One attempt, seen by the run's observer when it has one.</summary>
    private ValueTask<Event?> InvokeAttempt(int step, Event ev, StepDefinition definition, int number, long waitingSince)
    {
        if (number > 1)
        {
            // Retries run in RunInvocationAsync's own flow, so the number stays with this attempt.
            s_attempt.Value = (this, number);
        }

        if (_observer is { } observer)
        {
            TimeSpan queueWait = waitingSince == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(waitingSince);
            return InvokeObservedAsync(observer, new StepAttempt(definition.Name, ev, number, queueWait), step, definition);
        }

        return StepInvoker.Invoke(_dispatcher, step, ev, Context, definition, number, this, _time);
    }

    /// <summary>
    /// An attempt between the observer's callbacks. An async method of its own, so what the observer
    /// makes current (its span) flows into the step and never leaks back into the run's loop.
    /// </summary>
    private async ValueTask<Event?> InvokeObservedAsync(WorkflowObserver observer, StepAttempt attempt, int step, StepDefinition definition)
    {
        object? state = observer.StepStarting(Handle, attempt);
        try
        {
            Event? output = await StepInvoker.Invoke(_dispatcher, step, attempt.Event, Context, definition, attempt.Attempt, this, _time).ConfigureAwait(false);
            observer.StepSucceeded(Handle, attempt, output, state);
            return output;
        }
        catch (Exception error)
        {
            observer.StepFailed(Handle, attempt, error, RunRules.WillRetry(definition, attempt.Attempt, IsEnding(error)), state);
            throw;
        }
    }

    /// <summary>Hands a step's final failure to its error handler, as a <see cref="StepFailedEvent"/> for that handler alone, when the rules say so.</summary>
    private bool TryRecover(int step, StepFailure failure)
    {
        int covering = _definition[step].ErrorHandler;
        int used = covering >= 0 && _recoveries is { } recoveries ? recoveries[covering] : 0;
        int handler = RunRules.RecoveringHandler(_definition, step, used, IsEnding(failure.Error));
        if (handler < 0)
        {
            return false;
        }

        (_recoveries ??= new int[_definition.Steps.Count])[handler]++;
        var failed = new StepFailedEvent(_definition[step].Name, failure.Event, failure.Error, failure.Attempts);
        _observer?.EventRouted(Handle, failed, _definition[step].Name);
        Deliver(handler, failed, failure.Lineage);
        return true;
    }

    /// <summary>What a step returned: nothing, one event (in its input's lineage), or the items of a fan-out.</summary>
    private void Produce(Event? output, int producer, Lineage? lineage)
    {
        if (RunRules.ProducedNothing(output, _definition[producer]))
        {
            _lastEmptyProducer = producer;
            return;
        }

        if (output is EventList fanOut)
        {
            FanOut(fanOut.Items, producer, lineage);
            return;
        }

        _local.Enqueue(new PendingEvent(output!, producer, lineage));
    }
}
