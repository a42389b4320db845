namespace Workflows;

/// <summary>
/// Declares, on a helper method that takes a <see cref="WorkflowContext"/>, that it waits through it
/// for a <see cref="HumanResponseEvent"/> (asking with an <see cref="InputRequiredEvent"/>), so a step
/// that calls it shows in the graph as waiting for them: a durable run can store the question and
/// the answer, the server takes the answer from outside, and the analyzers check them, as they do for
/// a <c>ctx.WaitForAsync</c> written in the step itself.
/// </summary>
/// <param name="response">The answer's type.</param>
/// <param name="prompt">The question's type.</param>
/// <example>
/// <code>
/// [WaitsFor(typeof(ToolDecision), typeof(ToolApprovalRequested))]
/// public static Task&lt;string&gt; RunAgentAsync(this WorkflowContext ctx, …) { … ctx.WaitForAsync&lt;ToolDecision&gt;(…) … }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class WaitsForAttribute(Type response, Type prompt) : Attribute
{
    /// <summary>The answer's type.</summary>
    public Type Response { get; } = response;

    /// <summary>The question's type.</summary>
    public Type Prompt { get; } = prompt;
}
