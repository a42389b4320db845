using Workflows;

namespace Workflows.Sql.Journal;

/// <summary>Everything one claim counts against its limits, shared by its looks at due deliveries.</summary>
/// <param name="Queues">The named queues' limits.</param>
/// <param name="Runs">The workflows' limits of runs in progress.</param>
/// <param name="Steps">Deliveries running per step of a run (a step's <c>Workers</c>).</param>
internal sealed record ClaimLimits(QueueClaims Queues, RunSlots Runs, Dictionary<(string RunId, int Step), long> Steps)
{
    /// <summary>The queued runs this claim started.</summary>
    public HashSet<string> Started { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A condition (on aliases <c>d</c> and <c>r</c>) that leaves out the blocked queues, the queued runs
    /// of workflows at their limit, and the deliveries already looked at.
    /// </summary>
    public (string Sql, (string, object?)[] Parameters) Exclusion(IEnumerable<long> seen)
    {
        (string sql, (string, object?)[] parameters) = Queues.Exclusion(seen);
        if (Runs.Blocked.Count == 0)
        {
            return (sql, parameters);
        }

        var names = Runs.Blocked.Select((workflow, i) => ("bw" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (object?)workflow)).ToList();
        return (
            $"{sql} AND NOT (r.status = {(int)WorkflowRunStatus.Queued} AND r.workflow IN ({string.Join(", ", names.Select(n => "@" + n.Item1))}))",
            [.. parameters, .. names]);
    }
}
