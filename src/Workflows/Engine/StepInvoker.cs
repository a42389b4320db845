using Workflows.Infrastructure;

namespace Workflows.Engine;

/// <summary>Where a step's cancellation token comes from: asked for only when the step takes one, so runs that never need it never create it.</summary>
internal interface IRunCancellation
{
    CancellationToken RunToken { get; }
}

/// <summary>One attempt of a step through its generated dispatcher, bounded by the step's timeout: shared by both engines.</summary>
internal static class StepInvoker
{
    /// <summary>Calls the step; a synchronous throw comes back as a faulted task.</summary>
    public static ValueTask<Event?> Invoke(WorkflowDispatcher dispatcher, int step, Event ev, WorkflowContext context, StepDefinition definition, int attempt, IRunCancellation run, TimeProvider time)
    {
        if (definition.Timeout is { } limit)
        {
            return InvokeWithTimeoutAsync(dispatcher, step, ev, context, definition, attempt, limit, time, run.RunToken);
        }

        try
        {
            return dispatcher.Invoke(step, ev, context, definition.AcceptsCancellation ? run.RunToken : default);
        }
        catch (Exception error)
        {
            return ValueTask.FromException<Event?>(error);
        }
    }

    private static async ValueTask<Event?> InvokeWithTimeoutAsync(
        WorkflowDispatcher dispatcher, int step, Event ev, WorkflowContext context, StepDefinition definition, int attempt, TimeSpan limit, TimeProvider time, CancellationToken runToken)
    {
        using var attemptCancellation = new CancellationTokenSource(limit, time);
        using CancellationTokenRegistration link = runToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attemptCancellation);
        try
        {
            ValueTask<Event?> invocation = dispatcher.Invoke(step, ev, context, attemptCancellation.Token);

            // A step that ignores its token is abandoned at the limit rather than waited for.
            return invocation.IsCompleted
                ? await invocation.ConfigureAwait(false)
                : await invocation.AsTask().WaitAsync(attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (attemptCancellation.IsCancellationRequested && !runToken.IsCancellationRequested)
        {
            throw new StepTimeoutException(definition.Name, limit, attempt);
        }
    }
}
