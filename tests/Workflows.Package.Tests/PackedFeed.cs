namespace Workflows.Package.Tests;

/// <summary>
/// The repository's packages, packed once for the tests into a local feed, as the README tells a
/// newcomer to do — under a version of their own (0.1.0-test.…), so that no package cache, the
/// machine's or an earlier run's, can hand out an older build under the same number.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(10);

    /// <summary>A temporary directory outside the repository: the feed, the fresh projects, their package cache.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"workflows-package-tests-{Guid.NewGuid():N}");

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

    /// <summary>Where the machine keeps the packages the repository restored: the fresh projects read third-party packages from it.</summary>
    private static string MachinePackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);

        // Native AOT links with clang and zlib; the script installs them from Debian when they are missing.
        (int exit, string said, string error) = await RepositoryScript.RunAsync("aot-toolchain.sh");
        Assert.True(exit == 0, $"scripts/aot-toolchain.sh failed (exit {exit}):\n{error}\n{said}");

        // --no-restore: `dotnet test` restored every project already, and a restore under another
        // version would rewrite their assets files while other test projects run.
        (await DotNetCli.DotNetAsync(RepositoryPaths.Root, PackLimit, "pack", "Workflows.Packages.slnf", "-c", "Release", "-o", Feed, "--no-restore", $"-p:Version={Version}")).Succeeded();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not let go of a file yet: the directory is in the temp folder, which is cleaned anyway.
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A new console project, as <c>dotnet new console</c> makes it, in a directory of its own outside
    /// the repository, whose NuGet configuration adds this feed to the machine's sources.
    /// </summary>
    public async Task<FreshProject> NewProjectAsync(string name)
    {
        string directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <!-- This test's own cache: the packages under test are never taken from, or left in, the machine's. -->
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{MachinePackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <add key="workflows-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        (await DotNetCli.DotNetAsync(directory, FreshProject.Limit, "new", "console", "--name", name, "--output", ".", "--framework", "net10.0")).Succeeded();
        return new FreshProject(directory, name, Version);
    }
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
