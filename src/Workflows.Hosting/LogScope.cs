using System.Collections;

namespace Workflows.Hosting;

/// <summary>The log scope of a run (and step): RunId, Workflow and Step as structured properties.</summary>
internal sealed class LogScope(string runId, string workflow, string? step) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => step is null ? 2 : 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RunId", runId),
        1 => new("Workflow", workflow),
        2 when step is not null => new("Step", step),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => step is null ? $"{workflow} {runId}" : $"{workflow} {runId} {step}";
}
