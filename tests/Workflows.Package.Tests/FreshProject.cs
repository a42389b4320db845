using System.Text.RegularExpressions;

namespace Workflows.Package.Tests;

/// <summary>A console project outside the repository that uses the packed packages, driven through the dotnet CLI.</summary>
public sealed partial class FreshProject(string directory, string name, string version)
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    public string Directory { get; } = directory;

    public string Name { get; } = name;

    internal Task<CommandResult> AddPackageAsync(string package) =>
        DotNetCli.DotNetAsync(Directory, Limit, "add", "package", package, "--version", version);

    public Task WriteProgramAsync(string code) => File.WriteAllTextAsync(Path.Combine(Directory, "Program.cs"), code);

    internal Task<CommandResult> BuildAsync() => DotNetCli.DotNetAsync(Directory, Limit, "build", "-c", "Debug");

    internal Task<CommandResult> RunAsync() => DotNetCli.DotNetAsync(Directory, Limit, "run", "--no-build", "-c", "Debug");

    /// <summary>Publishes a native executable the way the README says: <c>dotnet publish -c Release -p:PublishAot=true</c>.</summary>
    internal async Task<(CommandResult Publish, string Executable)> PublishNativeAsync()
    {
        string output = Path.Combine(Directory, "native");
        CommandResult publish = await DotNetCli.DotNetAsync(Directory, Limit, "publish", "-c", "Release", "-p:PublishAot=true", "-o", output);
        return (publish, Path.Combine(output, Name));
    }

    /// <summary>The warnings and errors a build printed, each once (MSBuild repeats them in its summary).</summary>
    internal static string[] Diagnostics(CommandResult build, string severity) =>
        [.. DiagnosticLines().Matches(build.Output).Where(m => m.Groups["severity"].Value == severity).Select(m => m.Value.Trim()).Distinct()];

    [GeneratedRegex(@"^.*?: (?<severity>warning|error) [A-Z]+[0-9]+:.*$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLines();
}
