using System.Diagnostics;

namespace Workflows.Durable.Tests;

/// <summary>A separate process running Workflows.Durable.Worker over a store, killed with SIGKILL when the test says.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public static WorkerProcess Start(string database, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Workflows.Durable.Worker"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(database);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        return new WorkerProcess(process);
    }

    /// <summary>Reads the worker's output until it says it is serving; returns the lines before.</summary>
    public async Task<List<string>> WaitUntilServingAsync()
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TempStore.Limit);
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "serving")
            {
                return lines;
            }

            lines.Add(line);
        }

        throw new InvalidOperationException($"The worker exited before serving: {await _process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>SIGKILL: no chance to finish a step, commit, or release a lease.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
