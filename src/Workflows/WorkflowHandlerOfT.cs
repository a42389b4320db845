using System.ComponentModel;
using System.Runtime.CompilerServices;
using Workflows.Engine;
using Workflows.Infrastructure;

namespace Workflows;

/// <summary>
/// A run of a workflow whose StopEvent is <typeparamref name="TStop"/>. The run starts at once;
/// await the handler (or <see cref="Result"/>) for the StopEvent, and stream events while it runs.
/// </summary>
/// <typeparam name="TStop">The workflow's StopEvent type: the run's typed result.</typeparam>
/// <example>
/// <code>
/// WorkflowHandler&lt;Published&gt; handler = flow.RunAsync(new Submitted(doc));
/// await foreach (Event ev in handler.StreamEvents()) Console.WriteLine(ev);
/// Published result = await handler;
/// </code>
/// </example>
public class WorkflowHandler<TStop> : WorkflowHandler
    where TStop : StopEvent
{
    private Task<TStop>? _result;

    /// <summary>
    /// Creates the handler of a run that has not started yet; <see cref="WorkflowRunner.Start{THandler}(THandler, StartEvent, CancellationToken)"/>
    /// starts it. Called by generated code (a workflow's typed handler derives from this class).
    /// </summary>
    /// <param name="definition">The workflow's definition.</param>
    /// <param name="dispatcher">The run's dispatcher, holding the workflow instance.</param>
    /// <param name="options">The run's options, or <see langword="null"/> for the defaults.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected internal WorkflowHandler(WorkflowDefinition definition, WorkflowDispatcher dispatcher, RunOptions? options)
        : base(new InMemoryRun<TStop>(definition, dispatcher, options))
    {
    }

    /// <summary>
    /// The StopEvent, once produced. Faults with the failing step's own exception (same type, same
    /// message), <see cref="WorkflowTimeoutException"/> or <see cref="WorkflowStalledException"/>;
    /// is cancelled with <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<TStop> Result => _result!;

    /// <inheritdoc/>
    public override Task Completion => Result;

    /// <summary>Lets <c>await handler</c> return the StopEvent.</summary>
    /// <returns>The awaiter of <see cref="Result"/>.</returns>
    public TaskAwaiter<TStop> GetAwaiter() => Result.GetAwaiter();

    /// <summary>Configures how <c>await</c> resumes, like <see cref="Task.ConfigureAwait(bool)"/>.</summary>
    /// <param name="continueOnCapturedContext">Whether to resume on the captured context.</param>
    /// <returns>An awaitable of <see cref="Result"/>.</returns>
    public ConfiguredTaskAwaitable<TStop> ConfigureAwait(bool continueOnCapturedContext) => Result.ConfigureAwait(continueOnCapturedContext);

    internal override void Start(StartEvent start, CancellationToken cancellationToken) =>
        _result = ((InMemoryRun<TStop>)Run).Start(start, cancellationToken);
}
