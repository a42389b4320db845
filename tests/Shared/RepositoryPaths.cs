namespace Workflows.Testing;

/// <summary>
/// Finds files of the repository from a test's output directory. Tests must not use
/// <c>[CallerFilePath]</c> for this: CI builds map source paths to <c>/_/</c> (ContinuousIntegrationBuild).
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The directory that holds Workflows.Generators.sln.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path under the repository root, from its parts.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? current = new(AppContext.BaseDirectory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, "Workflows.Generators.sln")))
            {
                return current.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Workflows.Generators.sln) was not found above " + AppContext.BaseDirectory);
    }
}
