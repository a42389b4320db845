using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.Testing.Postgres;

/// <summary>
/// Runs the repository's scripts/postgres.sh: a throw-away PostgreSQL server in a temp directory
/// (installing Debian's postgresql package if needed), for tests and benchmarks alike.
/// </summary>
internal sealed class PostgresScript(string directory)
{
    /// <summary>Starts the server and returns its connection string; throws with the script's output if it cannot.</summary>
    public async Task<string> StartAsync()
    {
        (int exit, string output, string error) = await RunAsync("start");
        if (exit != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh could not start PostgreSQL (exit {exit}):\n{error}\n{output}");
        }

        return output.Trim().Split('\n')[^1];
    }

    public Task StopAsync() => RunAsync("stop");

    private async Task<(int Exit, string Output, string Error)> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.Combine("scripts", "postgres.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(directory);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
