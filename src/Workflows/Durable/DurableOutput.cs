namespace Workflows.Durable;

/// <summary>What a step did during one durable execution, in order, before it is committed.</summary>
/// <param name="Event">The event.</param>
/// <param name="Kind">Routed (returned or sent), streamed, or a timer.</param>
/// <param name="DueAt">For a timer: when it is routed.</param>
/// <param name="IsPrompt">A WaitForAsync prompt: the one output kept when the step suspends.</param>
/// <param name="Lineage">For an item of a fan-out: its branch; otherwise the delivery's lineage applies.</param>
internal readonly record struct DurableOutput(Event Event, EventRecordKind Kind, DateTimeOffset DueAt, bool IsPrompt = false, Rules.Lineage? Lineage = null);
