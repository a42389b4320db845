namespace Workflows.Generators.Model;

/// <summary>A valid step of a workflow, reduced to what the graph rules and the emitter need.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Accepts">The event type of its first parameter.</param>
/// <param name="Shape">How it returns its events.</param>
/// <param name="Returns">The event types it returns: one, or each arm of a <c>OneOf</c>; none for void and Task.</param>
/// <param name="Emits">The event types of its <c>[Emits]</c> attributes, in source order.</param>
/// <param name="TakesContext">Whether it takes a <c>WorkflowContext</c> second parameter.</param>
/// <param name="TakesCancellationToken">Whether it takes a <c>CancellationToken</c> last parameter.</param>
/// <param name="Options">The values of its <c>[Step]</c> attribute.</param>
/// <param name="Awaits">The HumanResponseEvent types its body waits for with <c>ctx.WaitForAsync</c>.</param>
/// <param name="Prompts">The InputRequiredEvent types its body asks with <c>ctx.WaitForAsync</c>.</param>
/// <param name="Catches">Its <c>[CatchErrors]</c>, when it is an error handler.</param>
/// <param name="Calls">The workflows its body runs with <c>ctx.RunAsync</c>.</param>
/// <param name="Streams">The event types its body writes with <c>ctx.WriteToStream</c> (as written: their static types).</param>
/// <param name="Joins">Whether it is a join: its parameter is <c>IReadOnlyList&lt;T&gt;</c> of <see cref="Accepts"/>.</param>
internal sealed record StepModel(
    string Name,
    bool IsStatic,
    EventRef Accepts,
    ReturnShape Shape,
    EquatableArray<EventRef> Returns,
    EquatableArray<EventRef> Emits,
    bool TakesContext,
    bool TakesCancellationToken,
    StepOptions Options,
    EquatableArray<EventRef> Awaits,
    EquatableArray<EventRef> Prompts,
    ErrorHandling? Catches,
    EquatableArray<ChildWorkflow> Calls,
    EquatableArray<EventRef> Streams,
    bool Joins = false)
{
    /// <summary>Whether it fans out: it returns a list, each item of which the run routes in a branch of its own.</summary>
    public bool FansOut => Shape is ReturnShape.Many or ReturnShape.TaskOfMany or ReturnShape.ValueTaskOfMany;
}
