using System.Diagnostics;

namespace Workflows.Testing;

/// <summary>Runs one of the repository's scripts/*.sh with bash and collects what it printed.</summary>
internal static class RepositoryScript
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.Combine("scripts", script));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs the script and returns the last line it printed; throws with everything it said if it failed.</summary>
    public static async Task<string> LastLineAsync(string script, params string[] arguments)
    {
        (int exit, string output, string error) = await RunAsync(script, arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"scripts/{script} failed (exit {exit}):\n{error}\n{output}");
        }

        return output.Trim().Split('\n')[^1];
    }
}
