using System.Collections.Concurrent;
using System.Collections.Immutable;
using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>
/// Which earlier shapes of its registered workflows this runtime can resume stored runs of: those
/// that differ from a registered version's only in ways stored runs read fine (<see cref="ShapeChanges"/> —
/// the rules the shipped-shape baseline checks at compile time). Judged once per stored fingerprint and version.
/// </summary>
internal sealed class CompatibleShapes
{
    private readonly ConcurrentDictionary<(string Workflow, string Stored, string Current), bool> _judged = new();
    private ImmutableDictionary<string, IReadOnlyList<string>> _earlier = ImmutableDictionary.Create<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The earlier fingerprints accepted so far, by workflow: the claims take their runs too.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Earlier => Volatile.Read(ref _earlier);

    /// <summary>Whether <paramref name="run"/>, stored under its own shape, can go on under <paramref name="current"/>.</summary>
    public bool Accepts(Infrastructure.WorkflowDefinition current, RunRecord run)
    {
        if (current.Fingerprint == run.Fingerprint)
        {
            return true;
        }

        return _judged.GetOrAdd((run.Workflow, run.Fingerprint, current.Fingerprint), key =>
        {
            bool compatible = ShapeChanges.AreCompatible(run.Shape, current.Shape);
            if (compatible)
            {
                Accept(key.Workflow, key.Stored);
            }

            return compatible;
        });
    }

    /// <summary>Claims take runs of <paramref name="workflow"/> stored under <paramref name="fingerprint"/> too.</summary>
    public void Accept(string workflow, string fingerprint) =>
        ImmutableInterlocked.Update(ref _earlier, static (earlier, key) => earlier.SetItem(
            key.Workflow,
            earlier.TryGetValue(key.Workflow, out IReadOnlyList<string>? known)
                ? known.Contains(key.Fingerprint, StringComparer.Ordinal) ? known : [.. known, key.Fingerprint]
                : [key.Fingerprint]), (Workflow: workflow, Fingerprint: fingerprint));
}
