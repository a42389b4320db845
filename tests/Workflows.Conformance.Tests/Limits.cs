namespace Workflows.Conformance.Tests;

/// <summary>How long a scenario may take on any host before the suite calls it hung.</summary>
internal static class Limits
{
    public static readonly TimeSpan Run = TimeSpan.FromSeconds(30);
}
