namespace Workflows;

/// <summary>
/// Makes a step the error handler of other steps: when one of them fails after its last attempt,
/// the handler receives a <see cref="StepFailedEvent"/> and the run goes on with what it returns,
/// up to <see cref="MaxRecoveries"/> times per run; after that, the failure fails the run. The
/// handler's first parameter is a <see cref="StepFailedEvent"/>.
/// </summary>
/// <param name="steps">The names of the steps covered (use <c>nameof</c>); none means every other step.</param>
/// <example>
/// <code>
/// [Step, CatchErrors(nameof(Summarize), MaxRecoveries = 2)]
/// private static Summarized Fallback(StepFailedEvent failed) =&gt;
///     new(((Parsed)failed.Event).Text[..100]);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CatchErrorsAttribute(params string[] steps) : Attribute
{
    /// <summary>The names of the steps covered; empty for every other step.</summary>
    public IReadOnlyList<string> Steps { get; } = steps;

    /// <summary>How many failures the handler turns into events in one run. Default 1.</summary>
    public int MaxRecoveries { get; set; } = 1;
}
