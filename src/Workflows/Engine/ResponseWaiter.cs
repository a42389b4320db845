namespace Workflows.Engine;

/// <summary>A step waiting in <see cref="WorkflowContext.WaitForAsync{TResponse}"/>.</summary>
internal abstract class ResponseWaiter
{
    public abstract bool Accepts(Event ev);

    public abstract void Complete(Event ev);

    public abstract void Abandon(Exception reason);
}

/// <summary>Waits for one <typeparamref name="TResponse"/>.</summary>
internal sealed class ResponseWaiter<TResponse> : ResponseWaiter
    where TResponse : HumanResponseEvent
{
    // Continuations run asynchronously so the caller of SendEventAsync never runs step code.
    private readonly TaskCompletionSource<TResponse> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResponse> Answer => _answer.Task;

    public override bool Accepts(Event ev) => ev is TResponse;

    public override void Complete(Event ev) => _answer.TrySetResult((TResponse)ev);

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
