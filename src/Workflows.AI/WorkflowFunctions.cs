using System.Text.Json;
using Microsoft.Extensions.AI;
using Workflows.Durable;
using Workflows.Infrastructure;

namespace Workflows.AI;

/// <summary>
/// Durable workflows as tools an agent (or any <see cref="IChatClient"/> with function calling) can
/// call: the arguments are the StartEvent (its JSON schema is the tool's), the result is the StopEvent.
/// A run that comes to wait for a person does not hold the call: the tool answers at once with the
/// run's id and the question it waits on, and the run goes on when the person answers.
/// </summary>
public static class WorkflowFunctions
{
    /// <summary>
    /// A tool that starts a durable run of <typeparamref name="TWorkflow"/> and answers with its
    /// StopEvent, or — when the run waits for a person, or is still running after
    /// <paramref name="waitAtMost"/> — with <c>{"runId", "status", "question"}</c>.
    /// </summary>
    /// <typeparam name="TWorkflow">A workflow registered with <paramref name="runtime"/>.</typeparam>
    /// <typeparam name="TStart">Its StartEvent type: the tool's arguments.</typeparam>
    /// <typeparam name="TStop">Its StopEvent type: the tool's result.</typeparam>
    /// <param name="runtime">The runtime the workflow is registered with.</param>
    /// <param name="json">Options whose resolver covers <typeparamref name="TStart"/> and <typeparamref name="TStop"/> (the workflow's context: <c>AppJson.Default.Options</c>).</param>
    /// <param name="description">What the tool does, for the model.</param>
    /// <param name="name">The tool's name; the workflow's by default.</param>
    /// <param name="waitAtMost">How long a call waits for the run to end or to ask a person (default 30 s).</param>
    /// <returns>The tool.</returns>
    public static AIFunction AsAIFunction<TWorkflow, TStart, TStop>(this WorkflowRuntime runtime, JsonSerializerOptions json, string description, string? name = null, TimeSpan? waitAtMost = null)
        where TWorkflow : class, IGeneratedWorkflow, IWorkflow<TStart, TStop>
        where TStart : StartEvent
        where TStop : StopEvent
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new WorkflowFunction<TWorkflow, TStart, TStop>(runtime, json, name ?? TWorkflow.Definition.Name, description, waitAtMost ?? TimeSpan.FromSeconds(30));
    }
}
