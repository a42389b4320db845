using System.Collections;

namespace Workflows.Diagnostics;

/// <summary>
/// The log scope of a run (and step): <c>RunId</c>, <c>Workflow</c> and <c>Step</c> as structured
/// properties, as the in-memory and durable hosts both open it around what they log.
/// </summary>
/// <param name="runId">The run's id.</param>
/// <param name="workflow">The workflow's name.</param>
/// <param name="step">The step, when the scope is a step's.</param>
public sealed class WorkflowLogScope(string runId, string workflow, string? step) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <inheritdoc/>
    public int Count => step is null ? 2 : 3;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RunId", runId),
        1 => new("Workflow", workflow),
        2 when step is not null => new("Step", step),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The scope as text: workflow, run id and step.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => step is null ? $"{workflow} {runId}" : $"{workflow} {runId} {step}";
}
