using Workflows.Durable;
using Workflows.Infrastructure;

namespace Workflows.Conformance.Tests;

/// <summary>
/// A workflow, how to start it, and how to play its part from outside (answer its questions,
/// cancel it): what every host runs the same way. Each host gets a fresh workflow instance; a
/// durable host's factory returns that one instance for every delivery, as a singleton would.
/// </summary>
public sealed class Scenario
{
    private Scenario(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>What a durable host cannot do here, if anything.</summary>
    public HostDifference Difference { get; private init; }

    /// <summary>Whether the steps stream concurrently, so the stream is compared as a multiset.</summary>
    public bool StreamUnordered { get; private init; }

    /// <summary>Takes out of what was observed what a scenario leaves to timing (how many workers overlapped, say).</summary>
    public Func<Observed, Observed> Normalize { get; private init; } = static observed => observed;

    /// <summary>Makes this scenario's run for one host.</summary>
    internal Func<ScenarioRun> NewRun { get; private init; } = null!;

    public override string ToString() => Name;

    /// <summary>A scenario of a workflow every host can run.</summary>
    /// <typeparam name="TFlow">The workflow.</typeparam>
    /// <typeparam name="TStart">Its StartEvent type.</typeparam>
    /// <typeparam name="TStop">Its StopEvent type.</typeparam>
    public static Scenario Of<TFlow, TStart, TStop>(
        string name,
        Func<TFlow> workflow,
        TStart start,
        Func<InputRequiredEvent, Event>? answer = null,
        Func<TFlow, Task>? cancelWhen = null,
        HostDifference difference = HostDifference.None,
        bool streamUnordered = false,
        Func<Observed, Observed>? normalize = null,
        TimeSpan? timeout = null,
        Action<WorkflowRuntime>? registerChildren = null)
        where TFlow : class, IGeneratedWorkflow, IWorkflow<TStart, TStop>
        where TStart : StartEvent
        where TStop : StopEvent => new(name)
        {
            Difference = difference,
            StreamUnordered = streamUnordered,
            Normalize = normalize ?? (static observed => observed),
            NewRun = () =>
            {
                TFlow flow = workflow();
                return new ScenarioRun(
                    TFlow.Definition.Graph,
                    (options, ct) =>
                    {
                        options.Timeout = timeout;
                        return flow.RunAsync(start, options, ct);
                    },
                    runtime =>
                    {
                        // Reflection-based JSON: the suite's events carry no context of their own.
                        runtime.Register(() => flow);
                        registerChildren?.Invoke(runtime);
                        return runtime;
                    },
                    async runtime => (await runtime.StartRunAsync<TFlow>(start, new DurableRunOptions { Timeout = timeout }).ConfigureAwait(false)).RunId,
                    async (runtime, runId) => await runtime.WaitForResultAsync<TStop>(runId).ConfigureAwait(false),
                    answer,
                    cancelWhen is null ? null : () => cancelWhen(flow));
            },
        };

    /// <summary>A scenario of a workflow that only runs in memory, for a named reason.</summary>
    /// <typeparam name="TStop">Its StopEvent type.</typeparam>
    public static Scenario InMemoryOnly<TStop>(string name, WorkflowGraph graph, Func<RunOptions, CancellationToken, WorkflowHandler<TStop>> run, HostDifference difference)
        where TStop : StopEvent => new(name)
        {
            Difference = difference,
            NewRun = () => new ScenarioRun(graph, (options, ct) => run(options, ct), null, null, null, null, null),
        };
}

/// <summary>One run of a scenario on one host.</summary>
/// <param name="Graph">The workflow's graph: which events its steps take.</param>
/// <param name="RunInMemory">Starts it in memory.</param>
/// <param name="Register">Registers it with a durable runtime (null: it cannot be durable).</param>
/// <param name="StartDurable">Starts it durably; returns the run's id.</param>
/// <param name="WaitDurable">Waits for a durable run's result.</param>
/// <param name="Answer">Answers a question the run asks.</param>
/// <param name="CancelWhen">Completes when the run should be cancelled.</param>
internal sealed record ScenarioRun(
    WorkflowGraph Graph,
    Func<RunOptions, CancellationToken, WorkflowHandler> RunInMemory,
    Func<WorkflowRuntime, WorkflowRuntime>? Register,
    Func<WorkflowRuntime, Task<string>>? StartDurable,
    Func<WorkflowRuntime, string, Task<Event>>? WaitDurable,
    Func<InputRequiredEvent, Event>? Answer,
    Func<Task>? CancelWhen)
{
    /// <summary>Whether one of the workflow's steps takes <paramref name="ev"/> (error handlers take StepFailedEvents).</summary>
    public bool IsTakenByAStep(Event ev) => Graph.Steps.Any(step => step.Accepts.Type.IsInstanceOfType(ev));
}
