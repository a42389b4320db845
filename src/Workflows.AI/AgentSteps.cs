using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Workflows.AI;

/// <summary>
/// A step runs a tool-calling agent: the model is offered tools (<see cref="AIFunction"/>s), its calls
/// are run and their results sent back until it answers. A tool wrapped in
/// <see cref="ApprovalRequiredAIFunction"/> runs only once a person approves the call (as asked or
/// with edited arguments): the run waits with a <see cref="ToolApprovalRequested"/> for a
/// <see cref="ToolDecision"/>, and a refusal is told to the model. Every model turn and every tool
/// call is done once (<see cref="WorkflowContext.OnceAsync"/>): a durable run records each in its
/// journal, so the agent resumes where it was — after a crash, or when an approval arrives — without
/// asking the model or running a tool again.
/// </summary>
public static class AgentSteps
{
    /// <summary>
    /// Runs the conversation with <paramref name="tools"/> until the model answers without calling one
    /// (at most <see cref="ModelCallOptions.MaxTurns"/> model turns), asking a person before each call of
    /// a tool that requires approval. Writes one <see cref="ModelUsage"/> (all turns) to the run's stream.
    /// </summary>
    /// <param name="context">The step's context.</param>
    /// <param name="key">Names the agent within the step; its turns and calls are recorded under it.</param>
    /// <param name="client">The model: a plain chat client (this runs the tools itself, so do not put a <c>FunctionInvokingChatClient</c> in front of it).</param>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="tools">The tools offered.</param>
    /// <param name="options">Chat options, turns, prices.</param>
    /// <param name="cancellationToken">Cancels the agent.</param>
    /// <returns>The final answer, the tool calls and the usage.</returns>
    /// <exception cref="InvalidOperationException">The model was still calling tools after <see cref="ModelCallOptions.MaxTurns"/> turns.</exception>
    [WaitsFor(typeof(ToolDecision), typeof(ToolApprovalRequested))]
    [Streams(typeof(ModelUsage))]
    public static async Task<AgentResult> RunAgentAsync(
        this WorkflowContext context,
        string key,
        IChatClient client,
        IEnumerable<ChatMessage> messages,
        IEnumerable<AIFunction> tools,
        ModelCallOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        options = ModelCallOptions.For(context, client, messages, options);
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (AIFunction tool in tools)
        {
            // The model calls a tool by name: two with one name would make its call ambiguous.
            if (!byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Agent '{key}' was given two tools named '{tool.Name}'; a model calls tools by name, so each needs its own.", nameof(tools));
            }
        }

        ChatOptions chat = options.Chat?.Clone() ?? new ChatOptions();
        chat.Tools = [.. byName.Values];
        var conversation = new List<ChatMessage>(messages);
        var calls = new List<ToolCallRecord>();
        var turns = new List<RecordedReply>();
        for (int turn = 1; turn <= options.MaxTurns; turn++)
        {
            RecordedReply reply = await ModelCall.TurnAsync(context, $"{key}:turn-{turn}", client, conversation, chat, cancellationToken).ConfigureAwait(false);
            turns.Add(reply);
            List<ChatMessage> answer = ModelCall.MessagesOf(reply);
            conversation.AddRange(answer);
            FunctionCallContent[] requested = [.. answer.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
            if (requested.Length == 0)
            {
                ModelUsage usage = Total(context, key, turns, options);
                return new AgentResult(string.Concat(answer.Select(m => m.Text)), calls, usage);
            }

            var results = new List<AIContent>(requested.Length);
            foreach (FunctionCallContent call in requested)
            {
                (ToolCallRecord record, object? result) = await CallAsync(context, key, byName, call, cancellationToken).ConfigureAwait(false);
                calls.Add(record);
                results.Add(new FunctionResultContent(call.CallId, result));
            }

            conversation.Add(new ChatMessage(ChatRole.Tool, results));
        }

        throw new InvalidOperationException(
            $"Agent '{key}' was still calling tools after {options.MaxTurns} model turns ({string.Join(", ", calls.Select(c => c.Tool))}). Raise ModelCallOptions.MaxTurns, or tell the model when to stop.");
    }

    /// <summary>One tool call: asked for approval when the tool requires it, then run once and recorded.</summary>
    private static async Task<(ToolCallRecord Record, object? Result)> CallAsync(WorkflowContext context, string key, Dictionary<string, AIFunction> tools, FunctionCallContent call, CancellationToken cancellationToken)
    {
        string arguments = ToolArguments.Write(call.Arguments);
        if (!tools.TryGetValue(call.Name, out AIFunction? tool))
        {
            string unknown = $"There is no tool named '{call.Name}'. The tools are: {string.Join(", ", tools.Keys)}.";
            return (new ToolCallRecord(call.Name, arguments, "unknown tool", unknown), unknown);
        }

        if (tool.GetService<ApprovalRequiredAIFunction>() is not null)
        {
            ToolDecision decision = await context.WaitForAsync<ToolDecision>(new ToolApprovalRequested(call.Name, arguments, call.CallId, tool.Description), cancellationToken).ConfigureAwait(false);
            if (!decision.Approved)
            {
                string refused = $"A person refused this call{(decision.AnsweredBy is null ? string.Empty : $" ({decision.AnsweredBy})")}: {decision.Reason ?? "no reason given"}. Do not call it again with the same arguments.";
                return (new ToolCallRecord(call.Name, arguments, "refused", refused), refused);
            }

            arguments = decision.Arguments ?? arguments;
        }

        string runWith = arguments;
        JsonElement result = await context.OnceAsync($"{key}:tool-{call.CallId}", async token =>
        {
            object? returned = await tool.InvokeAsync(ToolArguments.Read(runWith, call.Name), token).ConfigureAwait(false);
            return ToolArguments.ToJson(returned, tool);
        }, cancellationToken).ConfigureAwait(false);
        return (new ToolCallRecord(call.Name, runWith, "ran", result.GetRawText()), result);
    }

    private static ModelUsage Total(WorkflowContext context, string key, List<RecordedReply> turns, ModelCallOptions options)
    {
        var all = new RecordedReply(
            [],
            turns.Select(t => t.ModelId).LastOrDefault(m => m is not null),
            turns.Sum(t => t.InputTokens),
            turns.Sum(t => t.OutputTokens),
            turns.Sum(t => t.TotalTokens),
            turns.Sum(t => t.Requests));
        return ModelCall.Usage(context, key, all, options);
    }
}
