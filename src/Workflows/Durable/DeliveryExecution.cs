using Microsoft.Extensions.Logging;
using Workflows.Engine;
using Workflows.Infrastructure;

namespace Workflows.Durable;

/// <summary>How running a claimed delivery's step ended.</summary>
internal enum ExecutionEnd
{
    /// <summary>The step returned (its output may be null).</summary>
    Returned,

    /// <summary>The attempt failed: the step threw, timed out, or its event or state could not be read.</summary>
    Threw,

    /// <summary>The step waits for something it does not have yet (an answer, a child run): it runs again when it arrives.</summary>
    Suspended,

    /// <summary>The lease was lost while the step ran: nothing it did may be recorded.</summary>
    LeaseLost,

    /// <summary>The runtime is stopping: the delivery goes back, its attempt not counted.</summary>
    Stopping,

    /// <summary>A join kept its item: other branches of the fan-out have not produced theirs; the step did not run.</summary>
    Gathered,

    /// <summary>The run broke a rule no attempt can fix (a join given an item from no fan-out, or twice from one branch): it fails, as in memory.</summary>
    Broken,
}

/// <summary>What running one delivery came to, for <see cref="DeliveryCommits"/> to turn into a commit.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Host">The step's context host: what it sent, streamed, stored and asked.</param>
/// <param name="Event">The event delivered, once read.</param>
/// <param name="Output">What the step returned.</param>
/// <param name="Error">Why the attempt failed.</param>
/// <param name="WaitingFor">What a suspended step waits for.</param>
internal sealed record ExecutionResult(ExecutionEnd End, DurableStepHost Host, Event? Event, Event? Output = null, Exception? Error = null, string? WaitingFor = null);

/// <summary>
/// Runs the step of one claimed delivery, once, under its lease: reads the run's state and the event,
/// calls the step through the generated dispatcher, and says how it went. Everything the step does
/// stays in its <see cref="DurableStepHost"/> until committed. Only reading the state can throw (the
/// store is down); anything else that goes wrong is the attempt's failure.
/// </summary>
internal static class DeliveryExecution
{
    public static async Task<ExecutionResult> RunAsync(
        IWorkflowStore store, WorkflowRuntimeOptions options, ILogger logger, ObserverCalls? observer, HeldDeliveries held, LiveEvents live, DurableRegistration registration, Func<Type, DurableRegistration?> registrations, ClaimedDelivery claim, CancellationToken stopping)
    {
        StepDefinition definition = registration.Definition.Steps[claim.Step];
        IReadOnlyDictionary<string, StoredValue> state = claim.State ?? await store.ReadStateAsync(claim.Run.RunId, stopping).ConfigureAwait(false);
        var host = new DurableStepHost(claim, registration.Serializer, state, options.TimeProvider, registrations);

        Event ev;
        try
        {
            ev = registration.Serializer.Deserialize(claim.Event.Type, claim.Event.Payload);
            if (claim.Event.Kind == EventRecordKind.External)
            {
                ev = DurableSerializer.Answered(ev, claim.Event.Producer);
            }
        }
        catch (Exception error) when (error is WorkflowSerializationException or WorkflowStoreException)
        {
            return new ExecutionResult(ExecutionEnd.Threw, host, null, Error: Unreadable(registration, definition, claim, error));
        }

        if (definition.JoinsItems)
        {
            try
            {
                if (host.Join(registration.Definition, claim.Step, ev) is not { } joined)
                {
                    DurableLog.Gathered(logger, definition.Name, ev.GetType().Name, claim.DeliveryId);
                    return new ExecutionResult(ExecutionEnd.Gathered, host, ev);
                }

                ev = joined;
            }
            catch (InvalidOperationException error)
            {
                return new ExecutionResult(ExecutionEnd.Broken, host, ev, Error: error);
            }
            catch (Exception error) when (error is WorkflowSerializationException or WorkflowStoreException)
            {
                return new ExecutionResult(ExecutionEnd.Threw, host, ev, Error: Unreadable(registration, definition, claim, error));
            }
        }

        DurableLog.StepStarted(logger, definition.Name, ev.GetType().Name, claim.Attempt, claim.DeliveryId);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        System.Diagnostics.Activity? span = Diagnostics.DurableTelemetry.DeliveryStarting(claim, definition.Name, ev, now);
        Diagnostics.StepAttempt attempt = default;
        object? observed = null;
        if (observer is not null)
        {
            attempt = new Diagnostics.StepAttempt(definition.Name, ev, claim.Attempt, claim.AvailableAt is { } due && now > due ? now - due : TimeSpan.Zero);
            observed = observer.StepStarting(claim.Run, attempt);
        }

        using var execution = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        host.PublishTo(live);
        ExecutionResult result;
        IAsyncDisposable? scope = null;

        // Held from here to the finally below: the worker renews the lease meanwhile, and stops renewing it there.
        HeldDelivery lease = held.Add(claim, execution);
        try
        {
            host.RecordWith(new ResultRecorder(store, options.WorkerId, claim, definition.Name, lease));
            (WorkflowDispatcher dispatcher, scope) = registration.Dispatchers();
            Task<Event?> invocation = StepInvoker.Invoke(dispatcher, claim.Step, ev, new WorkflowContext(host), definition, claim.Attempt, new Cancellation(execution.Token), options.TimeProvider).AsTask();
            if (await Task.WhenAny(invocation, host.Suspended).ConfigureAwait(false) == host.Suspended && !invocation.IsCompleted)
            {
                // The step waits for what it does not have: abandon this execution; it runs again when that arrives.
                string waitingFor = await host.Suspended.ConfigureAwait(false);
                await execution.CancelAsync().ConfigureAwait(false);
                _ = invocation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                result = new ExecutionResult(ExecutionEnd.Suspended, host, ev, WaitingFor: waitingFor);
            }
            else
            {
                result = new ExecutionResult(ExecutionEnd.Returned, host, ev, Output: await invocation.ConfigureAwait(false));
            }
        }
        catch (Exception error)
        {
            result = new ExecutionResult(ExecutionEnd.Threw, host, ev, Error: error);
        }
        finally
        {
            lease.Dispose();
            if (scope is not null)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (lease.Lost)
        {
            result = result with { End = ExecutionEnd.LeaseLost };
        }
        else if (result.Error is OperationCanceledException && stopping.IsCancellationRequested)
        {
            result = result with { End = ExecutionEnd.Stopping };
        }

        Diagnostics.DurableTelemetry.DeliveryEnded(span, claim, definition.Name, Outcome(result, definition, claim), result.Error, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        observer?.StepEnded(claim.Run, attempt, result, Rules.RunRules.WillRetry(definition, claim.Attempt, runEnding: false), observed);
        return result;
    }

    /// <summary>The span's outcome, named as in memory where they mean the same.</summary>
    private static string Outcome(ExecutionResult result, StepDefinition definition, ClaimedDelivery claim) => result.End switch
    {
        ExecutionEnd.Returned => "success",
        ExecutionEnd.Threw => Rules.RunRules.WillRetry(definition, claim.Attempt, runEnding: false) ? "retry" : "failure",
        ExecutionEnd.Suspended => "waiting",
        ExecutionEnd.LeaseLost => "lease_lost",
        _ => "released",
    };

    /// <summary>The attempt's error when the delivered event cannot be read: which step, which event, what to do.</summary>
    private static WorkflowSerializationException Unreadable(DurableRegistration registration, StepDefinition step, ClaimedDelivery claim, Exception error) =>
        new($"Step '{step.Name}' of workflow '{registration.Name}' could not read the '{ShortName(claim.Event.Type)}' it was given: {error.Message}", error);

    private static string ShortName(string fullName) => fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];

    /// <summary>The token of one execution, as the step invoker asks for it.</summary>
    private sealed class Cancellation(CancellationToken token) : IRunCancellation
    {
        public CancellationToken RunToken => token;
    }
}
