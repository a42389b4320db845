using System.Diagnostics;
using Npgsql;

namespace Workflows.Durable.Tests;

/// <summary>
/// A throw-away PostgreSQL server for the whole test run, started with the repository's own
/// scripts/postgres.sh (which installs Debian's postgresql package if needed). If it cannot start,
/// the tests that need it fail with the script's output: they are never skipped.
/// WORKFLOWS_POSTGRES=connection string uses an existing server instead.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-pg", Guid.NewGuid().ToString("N"));
    private int _databases;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("WORKFLOWS_POSTGRES") is { Length: > 0 } existing)
        {
            ConnectionString = existing;
            return;
        }

        (int exit, string output, string error) = await RunScriptAsync("start");
        if (exit != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh could not start PostgreSQL (exit {exit}):\n{error}\n{output}");
        }

        ConnectionString = output.Trim().Split('\n')[^1];
    }

    /// <summary>A new, empty database on the server: tests never share one.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("WORKFLOWS_POSTGRES") is not { Length: > 0 })
        {
            NpgsqlConnection.ClearAllPools();
            await RunScriptAsync("stop");
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
            catch (UnauthorizedAccessException)
            {
                // Owned by the server's user.
            }
        }
    }

    private async Task<(int Exit, string Output, string Error)> RunScriptAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(_directory);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Workflows.Generators.sln) was not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
