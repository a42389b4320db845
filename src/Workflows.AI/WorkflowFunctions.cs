using Microsoft.Extensions.AI;
using Workflows.Durable;
using Workflows.Infrastructure;

namespace Workflows.AI;

/// <summary>
/// Durable workflows as tools an agent (or any <see cref="IChatClient"/> with function calling, or an
/// MCP client through the server) can call: the arguments are the StartEvent (its JSON schema is the
/// tool's), the result is the StopEvent. A run that comes to wait for a person does not hold the call:
/// the tool answers at once with the run's id and the question it waits on, and the run goes on when
/// the person answers (from the dashboard, the API, any process sharing the store).
/// </summary>
public static class WorkflowFunctions
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A tool that starts a durable run of <typeparamref name="TWorkflow"/> and answers with its
    /// StopEvent, or — when the run waits for a person, or is still running after
    /// <paramref name="waitAtMost"/> — with <c>{"runId", "status", "question"}</c>.
    /// </summary>
    /// <typeparam name="TWorkflow">A workflow registered with <paramref name="runtime"/>.</typeparam>
    /// <param name="runtime">The runtime the workflow is registered with.</param>
    /// <param name="description">What the tool does, for the model; by default, what it starts and answers with.</param>
    /// <param name="name">The tool's name; the workflow's by default.</param>
    /// <param name="waitAtMost">How long a call waits for the run to end or to ask a person (default 30 s).</param>
    /// <returns>The tool.</returns>
    /// <exception cref="InvalidOperationException">The workflow is not registered with <paramref name="runtime"/>.</exception>
    public static AIFunction AsAIFunction<TWorkflow>(this WorkflowRuntime runtime, string? description = null, string? name = null, TimeSpan? waitAtMost = null)
        where TWorkflow : class, IGeneratedWorkflow
    {
        ArgumentNullException.ThrowIfNull(runtime);
        string workflow = TWorkflow.Definition.Name;
        RegisteredWorkflow registered = runtime.Workflows.FirstOrDefault(w => w.Name == workflow)
            ?? throw new InvalidOperationException($"Workflow '{workflow}' is not registered with this runtime; register it (runtime.Register or AddDurableWorkflow) before making it a tool.");
        return Create(runtime, registered, description, name, waitAtMost);
    }

    /// <summary>Every workflow registered with <paramref name="runtime"/> as a tool (see <see cref="AsAIFunction{TWorkflow}"/>), in registration order.</summary>
    /// <param name="runtime">The runtime.</param>
    /// <param name="waitAtMost">How long a call waits for the run to end or to ask a person (default 30 s).</param>
    /// <returns>The tools.</returns>
    public static IReadOnlyList<AIFunction> AsAIFunctions(this WorkflowRuntime runtime, TimeSpan? waitAtMost = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return [.. runtime.Workflows.Select(w => Create(runtime, w, null, null, waitAtMost))];
    }

    private static WorkflowFunction Create(WorkflowRuntime runtime, RegisteredWorkflow workflow, string? description, string? name, TimeSpan? waitAtMost)
    {
        TimeSpan wait = waitAtMost ?? DefaultWait;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero, nameof(waitAtMost));
        WorkflowGraph graph = workflow.Graph;
        return new WorkflowFunction(
            runtime,
            workflow,
            name ?? workflow.Name,
            description ?? $"Runs the '{workflow.Name}' workflow: give it a {graph.StartEvent.Name}; it answers with its {graph.StopEvent.Name}, or, when the run waits for a person, with the run's id and the question it waits on.",
            wait);
    }
}
