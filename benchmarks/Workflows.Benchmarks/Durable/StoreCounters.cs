using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// What a benchmark case cost beyond its time: this process's CPU over the measured iterations (like the
/// time: BenchmarkDotNet's jitting and warm-up iterations, in which the JIT compiles the code, left out),
/// and the store's transactions and fsyncs over all its iterations (PostgreSQL's own statistics, which a
/// backend reports with a delay; SQLite's group commits, each one WAL fsync). Written by the benchmark
/// process, read by <see cref="CostColumn"/> in the host.
/// </summary>
internal sealed class StoreCounters
{
    private readonly string? _postgres;
    private readonly Func<long>? _sqliteCommits;
    private readonly List<(TimeSpan Cpu, long Runs)> _iterations = [];
    private TimeSpan _cpu;
    private TimeSpan _iterationCpu;
    private long _iterationRuns;
    private long _transactions;
    private long _fsyncs;

    private StoreCounters(string? postgres, Func<long>? sqliteCommits)
    {
        _postgres = postgres;
        _sqliteCommits = sqliteCommits;
    }

    public static StoreCounters ForPostgres(string connectionString) => new(connectionString, null);

    public static StoreCounters ForSqlite(Func<long> groupCommits) => new(null, groupCommits);

    public static StoreCounters CpuOnly() => new(null, null);

    public static string FileFor(string key) => Path.Combine(Path.GetTempPath(), "workflows-bench-costs", key + ".txt");

    public async Task StartAsync()
    {
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        (_transactions, _fsyncs) = await ReadStoreAsync();
    }

    /// <summary>An iteration starts; <paramref name="runsSoFar"/>: the runs started before it.</summary>
    public void IterationStarting(long runsSoFar)
    {
        _iterationCpu = Process.GetCurrentProcess().TotalProcessorTime;
        _iterationRuns = runsSoFar;
    }

    /// <summary>An iteration ended; <paramref name="runsSoFar"/>: the runs started up to its end.</summary>
    public void IterationEnded(long runsSoFar) =>
        _iterations.Add((Process.GetCurrentProcess().TotalProcessorTime - _iterationCpu, runsSoFar - _iterationRuns));

    /// <summary>Call after the runtimes are disposed (their connections closed, so PostgreSQL has flushed their statistics).</summary>
    /// <param name="key">The case.</param>
    /// <param name="runs">The runs of all its iterations.</param>
    /// <param name="measured">How many iterations, the last ones, BenchmarkDotNet measured.</param>
    public async Task WriteAsync(string key, long runs, int measured)
    {
        (TimeSpan Cpu, long Runs)[] last = _iterations.Count >= measured ? [.. _iterations.TakeLast(measured)] : [];
        (TimeSpan cpu, long cpuRuns) = last.Length > 0
            ? (TimeSpan.FromTicks(last.Sum(i => i.Cpu.Ticks)), last.Sum(i => i.Runs))
            : (Process.GetCurrentProcess().TotalProcessorTime - _cpu, runs);
        if (_postgres is not null)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        (long transactions, long fsyncs) = await ReadStoreAsync();
        string file = FileFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        double perRun(double total) => total / Math.Max(1, runs);
        await File.WriteAllTextAsync(file, string.Join(' ',
            (cpu.TotalMilliseconds / Math.Max(1, cpuRuns)).ToString("0.000", CultureInfo.InvariantCulture),
            _postgres is null && _sqliteCommits is null ? "-" : perRun(transactions - _transactions).ToString("0.00", CultureInfo.InvariantCulture),
            _postgres is null && _sqliteCommits is null ? "-" : perRun(fsyncs - _fsyncs).ToString("0.00", CultureInfo.InvariantCulture)));
    }

    private async Task<(long Transactions, long Fsyncs)> ReadStoreAsync()
    {
        if (_sqliteCommits is not null)
        {
            long commits = _sqliteCommits();
            return (commits, commits);
        }

        if (_postgres is null)
        {
            return (0, 0);
        }

        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_clear_snapshot(); SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)",
            connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
