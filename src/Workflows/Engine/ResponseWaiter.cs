namespace Workflows.Engine;

/// <summary>A step waiting in <see cref="WorkflowContext.WaitForAsync{TResponse}(InputRequiredEvent, CancellationToken)"/>.</summary>
internal abstract class ResponseWaiter
{
    public abstract bool Accepts(Event ev);

    public abstract void Complete(Event ev);

    public abstract void Abandon(Exception reason);

    /// <summary>The wait's time passed with no answer: the waiting step gets <see langword="null"/>.</summary>
    public abstract void Expire();
}

/// <summary>Waits for one <typeparamref name="TResponse"/>.</summary>
internal sealed class ResponseWaiter<TResponse> : ResponseWaiter
    where TResponse : HumanResponseEvent
{
    // Continuations run asynchronously so the caller of SendEventAsync never runs step code.
    private readonly TaskCompletionSource<TResponse?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResponse?> Answer => _answer.Task;

    public override bool Accepts(Event ev) => ev is TResponse;

    public override void Complete(Event ev) => _answer.TrySetResult((TResponse)ev);

    public override void Expire() => _answer.TrySetResult(null);

    public override void Abandon(Exception reason)
    {
        if (reason is OperationCanceledException canceled)
        {
            _answer.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _answer.TrySetException(reason);
        }
    }
}
