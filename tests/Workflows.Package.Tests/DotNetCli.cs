using System.Diagnostics;
using System.Text;

namespace Workflows.Package.Tests;

/// <summary>What one command printed (standard output and error, in order) and how it exited.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Took)
{
    /// <summary>Throws with everything the command printed unless it succeeded.</summary>
    public CommandResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"'{Command}' exited {ExitCode}:\n{Output}");
        return this;
    }
}

/// <summary>
/// Runs programs (the dotnet CLI, a published executable) as a person at a terminal would: a clean
/// environment, no variables of the test host's own MSBuild or test platform leaking into them.
/// </summary>
internal static class DotNetCli
{
    public static Task<CommandResult> DotNetAsync(string workingDirectory, TimeSpan limit, params string[] arguments) =>
        RunAsync("dotnet", workingDirectory, limit, arguments);

    public static async Task<CommandResult> RunAsync(string program, string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild and test-platform variables would steer a
        // nested build; a person's shell has none of them.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                name is "DOTNET_HOST_PATH" or "MSBUILD_EXE_PATH" or "MSBuildSDKsPath" or "MSBuildExtensionsPath" or "DOTNET_CLI_TELEMETRY_SESSIONID")
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish within {limit}:\n{Snapshot(output)}");
        }

        process.WaitForExit();
        return new CommandResult($"{program} {string.Join(' ', arguments)}", process.ExitCode, Snapshot(output), clock.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
