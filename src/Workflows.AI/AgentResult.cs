namespace Workflows.AI;

/// <summary>How an agent's conversation ended: its final answer, the tool calls it made, and what it used.</summary>
/// <param name="Text">The model's final answer.</param>
/// <param name="ToolCalls">Every tool call, in order, with its outcome.</param>
/// <param name="Usage">What every model turn used, added up.</param>
public sealed record AgentResult(string Text, IReadOnlyList<ToolCallRecord> ToolCalls, ModelUsage Usage);

/// <summary>One tool call of an agent.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Arguments">The arguments it ran with (after any edit), as a JSON object.</param>
/// <param name="Outcome"><c>ran</c>, <c>refused</c> (by a person) or <c>unknown tool</c>.</param>
/// <param name="Result">What the tool returned, as JSON; or why it was refused.</param>
public sealed record ToolCallRecord(string Tool, string Arguments, string Outcome, string Result);
