namespace Workflows.Testing.Postgres;

/// <summary>
/// Runs the repository's scripts/postgres.sh: a throw-away PostgreSQL server in a temp directory
/// (installing Debian's postgresql package if needed), for tests and benchmarks alike.
/// </summary>
internal sealed class PostgresScript(string directory)
{
    /// <summary>Starts the server and returns its connection string; throws with the script's output if it cannot.</summary>
    public Task<string> StartAsync() => RepositoryScript.LastLineAsync("postgres.sh", "start", directory);

    public Task StopAsync() => RepositoryScript.RunAsync("postgres.sh", "stop", directory);
}
