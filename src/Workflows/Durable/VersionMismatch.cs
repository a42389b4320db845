using Workflows.Infrastructure;

namespace Workflows.Durable;

/// <summary>Says what changed between the shape a run started under and the current build's.</summary>
internal static class VersionMismatch
{
    public static string Describe(RunRecord run, WorkflowDefinition current)
    {
        string[] before = run.Shape.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] now = current.Shape.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var removed = before.Except(now, StringComparer.Ordinal).Select(line => "  - " + line);
        var added = now.Except(before, StringComparer.Ordinal).Select(line => "  + " + line);
        return $"Run '{run.RunId}' of workflow '{run.Workflow}' started under fingerprint {run.Fingerprint}; this build's is {current.Fingerprint}. Changed:\n" +
            string.Join("\n", removed.Concat(added));
    }
}
