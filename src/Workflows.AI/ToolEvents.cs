namespace Workflows.AI;

/// <summary>
/// An agent's model asked to call a tool that needs a person's approval (an
/// <see cref="Microsoft.Extensions.AI.ApprovalRequiredAIFunction"/>): the run waits for a
/// <see cref="ToolDecision"/>, from the dashboard's inbox, the API or the caller.
/// </summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Arguments">The arguments the model gave, as a JSON object.</param>
/// <param name="CallId">The model's id of the call.</param>
/// <param name="Description">What the tool does, from its description.</param>
public sealed record ToolApprovalRequested(string Tool, string Arguments, string CallId, string? Description) : InputRequiredEvent;

/// <summary>A person's decision on a tool call: run it (as asked, or with edited arguments), or refuse it and say why.</summary>
/// <param name="Approved">Whether the call may run.</param>
/// <param name="Arguments">Edited arguments, as a JSON object, to run the call with instead of the model's; <see langword="null"/> keeps them.</param>
/// <param name="Reason">Why (told to the model when refused).</param>
/// <remarks>
/// Who decided is <see cref="HumanResponseEvent.AnsweredBy"/>: on a durable run the person or key the
/// journal recorded as sending it, never a field of the decision's JSON.
/// </remarks>
public sealed record ToolDecision(bool Approved, string? Arguments = null, string? Reason = null) : HumanResponseEvent;
