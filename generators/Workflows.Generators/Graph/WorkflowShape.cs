using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Workflows.Generators.Model;

namespace Workflows.Generators.Graph;

/// <summary>
/// What a stored run depends on: the steps (names, indexes, what they take and produce, their
/// options) and the events (names and members). Durable runs remember it and its fingerprint, so a
/// build that changed it can say what changed instead of resuming a run it would misread.
/// </summary>
internal static class WorkflowShape
{
    /// <summary>One line per step, then one per event, in a fixed order.</summary>
    public static string Describe(WorkflowModel workflow, GraphAnalysis graph)
    {
        // A version above 1 is part of the shape, so two versions of one workflow never share a fingerprint
        // (version 1 says nothing, so the shapes of workflows that never had a version stay as they were).
        var lines = new List<string>();
        if (workflow.Version > 1)
        {
            lines.Add("version " + workflow.Version.ToString(CultureInfo.InvariantCulture));
        }

        for (int s = 0; s < workflow.Steps.Count; s++)
        {
            StepModel step = workflow.Steps[s];
            // A join takes, and a fan-out returns, a list: stored deliveries of a step that joins mean something else.
            string produces = string.Join(", ", GraphRules.Produced(step).Select(p => p.Site == EventSite.Return && step.FansOut ? p.Event.TypeName + "[]" : p.Event.TypeName));
            lines.Add(string.Format(
                CultureInfo.InvariantCulture,
                "step {0} {1}({2}) -> [{3}] workers={4} attempts={5}",
                s,
                step.Name,
                step.Joins ? step.Accepts.TypeName + "[]" : step.Accepts.TypeName,
                produces,
                step.Options.Workers,
                step.Options.MaxAttempts));
        }

        foreach (EventRef ev in graph.Events.OrderBy(static e => e.TypeName, System.StringComparer.Ordinal))
        {
            lines.Add($"event {ev.TypeName} {{ {ev.Members} }}");
        }

        return string.Join("\n", lines);
    }

    /// <summary>FNV-1a, 64 bits, as 16 hex digits: stable across processes and platforms.</summary>
    public static string Fingerprint(string shape)
    {
        const ulong Offset = 14695981039346656037;
        const ulong Prime = 1099511628211;
        ulong hash = Offset;
        foreach (byte b in Encoding.UTF8.GetBytes(shape))
        {
            hash ^= b;
            hash = unchecked(hash * Prime);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
