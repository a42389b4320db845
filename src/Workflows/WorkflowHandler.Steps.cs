using System.Diagnostics;
using Workflows.Diagnostics;
using Workflows.Engine;
using Workflows.Infrastructure;

namespace Workflows;

// Running steps: worker limits, inline invocation, asynchronous completion, retries and timeouts.
public abstract partial class WorkflowHandler
{
    // The run whose loop is executing a step synchronously on this thread, so ctx.Send can skip the inbox.
    [ThreadStatic]
    private static WorkflowHandler? t_inlineRun;

    private int _inlineStep = Producer.UnknownStep;

    private void Deliver(int step, Event ev, long waitingSince = 0)
    {
        StepDefinition definition = _definition[step];
        if (_slots is { } slots && slots[step].Active >= definition.Workers)
        {
            (slots[step].Waiting ??= new Queue<WaitingEvent>()).Enqueue(new WaitingEvent(ev, Stopwatch.GetTimestamp()));
            return;
        }

        if (definition.Workers > 1)
        {
            // A step that asked for concurrency runs on the thread pool, so even synchronous bodies overlap.
            BeginInFlight(step);
            _ = RunInvocationAsync(step, ev, attempt: default, onThreadPool: true, waitingSince);
            return;
        }

        InvokeInline(step, ev, definition, waitingSince);
    }

    private void InvokeInline(int step, Event ev, StepDefinition definition, long waitingSince)
    {
        WorkflowHandler? outerRun = t_inlineRun;
        int outerStep = _inlineStep;
        t_inlineRun = this;
        _inlineStep = step;
        ValueTask<Event?> attempt;
        try
        {
            attempt = InvokeAttempt(step, ev, definition, number: 1, waitingSince);
        }
        finally
        {
            t_inlineRun = outerRun;
            _inlineStep = outerStep;
        }

        if (attempt.IsCompletedSuccessfully)
        {
            Produce(attempt.Result, step);
            return;
        }

        BeginInFlight(step);
        _ = RunInvocationAsync(step, ev, attempt, onThreadPool: false, waitingSince: 0);
    }

    private void BeginInFlight(int step)
    {
        _inFlight++;
        (_slots ??= new StepSlot[_definition.Steps.Count])[step].Active++;
    }

    /// <summary>Starts waiting events of a step that just freed a worker.</summary>
    private void DeliverWaiting(int step)
    {
        ref StepSlot slot = ref _slots![step];
        while (slot.Waiting is { Count: > 0 } waiting && slot.Active < _definition[step].Workers && Status == WorkflowRunStatus.Running)
        {
            WaitingEvent next = waiting.Dequeue();
            Deliver(step, next.Event, next.Since);
        }
    }

    /// <summary>
    /// Finishes an invocation off the loop: awaits the attempt, retries while attempts remain, and
    /// reports the outcome to the loop through the inbox. Never throws.
    /// </summary>
    private async Task RunInvocationAsync(int step, Event ev, ValueTask<Event?> attempt, bool onThreadPool, long waitingSince)
    {
        StepDefinition definition = _definition[step];
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
                Post(InboxMessage.Completed(step, output));
                return;
            }
            catch (Exception error) when (WillRetry(definition, number, error))
            {
                // Retried below, after the delay.
            }
            catch (Exception error)
            {
                Post(InboxMessage.Failed(step, new StepFailure(ev, error, number)));
                return;
            }

            try
            {
                TimeSpan delay = definition.DelayAfter(number);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, RunToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException error)
            {
                Post(InboxMessage.Failed(step, new StepFailure(ev, error, number)));
                return;
            }

            attempt = InvokeAttempt(step, ev, definition, number + 1, waitingSince: 0);
        }
    }

    /// <summary>Whether a failed attempt is followed by another: attempts remain and the run is not ending.</summary>
    private bool WillRetry(StepDefinition definition, int number, Exception error) => number < definition.MaxAttempts && !IsEnding(error);

    /// <summary>Whether an error only reflects that the run itself is ending (so no retry).</summary>
    private bool IsEnding(Exception error) =>
        Status != WorkflowRunStatus.Running ||
        (error is OperationCanceledException && Volatile.Read(ref _cts) is { IsCancellationRequested: true });

    /// <summary>One attempt, seen by the run's observer when it has one.</summary>
    private ValueTask<Event?> InvokeAttempt(int step, Event ev, StepDefinition definition, int number, long waitingSince)
    {
        if (_observer is { } observer)
        {
            TimeSpan queueWait = waitingSince == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(waitingSince);
            return InvokeObservedAsync(observer, new StepAttempt(definition.Name, ev, number, queueWait), step, definition);
        }

        return InvokeAttemptCore(step, ev, definition, number);
    }

    /// <summary>
    /// An attempt between the observer's callbacks. An async method of its own, so what the observer
    /// makes current (its span) flows into the step and never leaks back into the run's loop.
    /// </summary>
    private async ValueTask<Event?> InvokeObservedAsync(WorkflowObserver observer, StepAttempt attempt, int step, StepDefinition definition)
    {
        object? state = observer.StepStarting(this, attempt);
        try
        {
            Event? output = await InvokeAttemptCore(step, attempt.Event, definition, attempt.Attempt).ConfigureAwait(false);
            observer.StepSucceeded(this, attempt, output, state);
            return output;
        }
        catch (Exception error)
        {
            observer.StepFailed(this, attempt, error, WillRetry(definition, attempt.Attempt, error), state);
            throw;
        }
    }

    /// <summary>One attempt: a direct call through the generated dispatcher, bounded by the step's timeout.</summary>
    private ValueTask<Event?> InvokeAttemptCore(int step, Event ev, StepDefinition definition, int number) =>
        StepInvoker.Invoke(_dispatcher, step, ev, _context, definition, number, this, _time);
}
