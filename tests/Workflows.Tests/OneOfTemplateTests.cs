using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.Tests;

/// <summary>OneOf&lt;T1..T8&gt; are made from one template: the checked-in files must be what it makes.</summary>
public sealed class OneOfTemplateTests
{
    [Fact]
    public async Task The_OneOf_files_are_what_their_template_makes()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "run", RepositoryPaths.Combine("scripts", "oneof", "generate.cs"), "--", "--check" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(process.ExitCode == 0, $"scripts/oneof/generate.cs --check exited {process.ExitCode}:\n{await error}\n{await output}");
    }
}
