namespace Workflows.Durable;

/// <summary>
/// A runtime's run controls acting for someone (<see cref="WorkflowRuntime.ActingAs"/>): each control
/// is journaled in the run as asked by <see cref="RequestedBy"/>. The controls and their refusals
/// are those of <see cref="WorkflowRuntime"/>.
/// </summary>
public sealed class RunOperator
{
    private readonly WorkflowRuntime _runtime;

    internal RunOperator(WorkflowRuntime runtime, string requestedBy)
    {
        _runtime = runtime;
        RequestedBy = requestedBy;
    }

    /// <summary>Who or what asks.</summary>
    public string RequestedBy { get; }

    /// <summary>
    /// Sends an event into a run (an answer, say), as <see cref="WorkflowRuntime.SendEventAsync"/>, its
    /// journal entry naming <see cref="RequestedBy"/> as who sent it, and when.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="ev">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task SendEventAsync(string runId, Event ev, CancellationToken cancellationToken = default) => _runtime.SendAsAsync(runId, ev, RequestedBy, cancellationToken);

    /// <summary>Suspends a run, as <see cref="WorkflowRuntime.SuspendAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task SuspendAsync(string runId, CancellationToken cancellationToken = default) => _runtime.ControlAsync(runId, RunControl.Suspend, RequestedBy, cancellationToken);

    /// <summary>Resumes a run, as <see cref="WorkflowRuntime.ResumeAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task ResumeAsync(string runId, CancellationToken cancellationToken = default) => _runtime.ControlAsync(runId, RunControl.Resume, RequestedBy, cancellationToken);

    /// <summary>Retries a failed run, as <see cref="WorkflowRuntime.RetryAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task RetryAsync(string runId, CancellationToken cancellationToken = default) => _runtime.ControlAsync(runId, RunControl.Retry, RequestedBy, cancellationToken);

    /// <summary>Cancels a run, as <see cref="WorkflowRuntime.CancelAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the run had not ended.</returns>
    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default) => _runtime.CancelAsAsync(runId, RequestedBy, cancellationToken);

    /// <summary>Deletes finished runs, as <see cref="WorkflowRuntime.PurgeAsync"/>, telling <paramref name="progress"/> the running total after each batch.</summary>
    /// <param name="query">Which runs.</param>
    /// <param name="progress">Told how many runs are deleted so far, after each batch of 100.</param>
    /// <param name="cancellationToken">Stops between batches (the batches done stay done).</param>
    /// <returns>How many runs were deleted.</returns>
    public Task<int> PurgeAsync(PurgeQuery query, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        _runtime.PurgeAsAsync(query, progress, RequestedBy, cancellationToken);
}
