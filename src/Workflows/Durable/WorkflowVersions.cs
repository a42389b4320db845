namespace Workflows.Durable;

/// <summary>
/// The registered versions of each workflow name, and which one a stored run goes on under: the
/// version whose fingerprint it started under, else the newest whose shape it reads fine
/// (<see cref="CompatibleShapes"/>). New runs start on the newest version.
/// </summary>
internal sealed class WorkflowVersions
{
    private readonly Dictionary<string, List<DurableRegistration>> _byName = new(StringComparer.Ordinal);
    private readonly CompatibleShapes _shapes = new();

    /// <summary>The newest version of each name.</summary>
    public Dictionary<string, DurableRegistration> Newest { get; } = new(StringComparer.Ordinal);

    /// <summary>Every registered version, newest of each name first.</summary>
    public IEnumerable<DurableRegistration> All => _byName.Values.SelectMany(static versions => versions);

    /// <summary>Earlier fingerprints of each name the claims take too: older registered versions, and shapes found compatible.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Earlier => _shapes.Earlier;

    /// <summary>Adds a version; a second registration of one name and version is refused.</summary>
    public void Add(DurableRegistration registration, Type workflowType)
    {
        if (!_byName.TryGetValue(registration.Name, out List<DurableRegistration>? versions))
        {
            _byName[registration.Name] = versions = [];
        }

        if (versions.Find(v => v.Definition.Version == registration.Definition.Version) is { } registered)
        {
            throw new InvalidOperationException(
                $"Workflow '{registration.Name}' version {registration.Definition.Version} is already registered ({registered.Type.Name}); " +
                $"durable runs are stored under a workflow's name and version, so {workflowType.Name} needs another [Workflow(Version = …)] or Name.");
        }

        versions.Add(registration);
        versions.Sort(static (a, b) => b.Definition.Version.CompareTo(a.Definition.Version));
        Newest[registration.Name] = versions[0];
    }

    /// <summary>Called once registration is over: the claims take the runs of older versions too.</summary>
    public void Seal()
    {
        foreach (List<DurableRegistration> versions in _byName.Values)
        {
            for (int v = 1; v < versions.Count; v++)
            {
                _shapes.Accept(versions[v].Name, versions[v].Definition.Fingerprint);
            }
        }
    }

    /// <summary>The version <paramref name="run"/> goes on under, or <see langword="null"/> when none can resume it.</summary>
    public DurableRegistration? Resolve(RunRecord run)
    {
        if (!_byName.TryGetValue(run.Workflow, out List<DurableRegistration>? versions))
        {
            return null;
        }

        foreach (DurableRegistration version in versions)
        {
            if (version.Definition.Fingerprint == run.Fingerprint)
            {
                return version;
            }
        }

        foreach (DurableRegistration version in versions)
        {
            if (_shapes.Accepts(version.Definition, run))
            {
                return version;
            }
        }

        return null;
    }
}
