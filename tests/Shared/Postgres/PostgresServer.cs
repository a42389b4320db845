using Npgsql;
using Xunit;

namespace Workflows.Testing.Postgres;

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
        ConnectionString = Environment.GetEnvironmentVariable("WORKFLOWS_POSTGRES") is { Length: > 0 } existing
            ? existing
            : await new PostgresScript(_directory).StartAsync();
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
            await new PostgresScript(_directory).StopAsync();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Owned by the server's user, or still in use: left for the OS to clean.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
