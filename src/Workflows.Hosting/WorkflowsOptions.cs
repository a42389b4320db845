namespace Workflows.Hosting;

/// <summary>
/// Defaults for runs started through <see cref="IWorkflowRunner"/>; bound from the "Workflows"
/// configuration section.
/// </summary>
/// <example>
/// <code>
/// // appsettings.json
/// { "Workflows": { "DefaultTimeout": "00:05:00", "LogSteps": true } }
/// </code>
/// </example>
public sealed class WorkflowsOptions
{
    /// <summary>The configuration section bound by default: <c>Workflows</c>.</summary>
    public const string SectionName = "Workflows";

    /// <summary>The timeout of runs that do not set one; <see langword="null"/> (the default) for none.</summary>
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>Whether to log run and step lifecycle events through <c>ILogger</c>. Default <see langword="true"/>.</summary>
    public bool Logging { get; set; } = true;
}
