using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workflows.Durable.Tests;

/// <summary>A separate process running Workflows.Durable.Worker over a store, killed with SIGKILL when the test says.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    /// <summary>What the worker wrote to standard error (its warnings and errors), read as it comes so the pipe never fills.</summary>
    private readonly ConcurrentQueue<string> _errors = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                _errors.Enqueue(text);
                while (_errors.Count > 200 && _errors.TryDequeue(out string? _))
                {
                    // Only the latest lines say what went wrong.
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>For a failing test's message: whether the worker is alive, and its latest warnings and errors.</summary>
    public string Describe() =>
        (_process.HasExited ? $"The worker process exited with code {_process.ExitCode}." : "The worker process is running.") +
        (_errors.IsEmpty ? " It logged no warning or error." : " Its latest warnings and errors:\n" + string.Join("\n", _errors.TakeLast(30)));

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

        await _process.WaitForExitAsync(timeout.Token);
        throw new InvalidOperationException($"The worker exited before serving: {string.Join("\n", _errors)}");
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
