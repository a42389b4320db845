using System.Diagnostics.Metrics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using JasperFx.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using IHost = Microsoft.Extensions.Hosting.IHost;
using Microsoft.Extensions.Logging;
using Weasel.Sqlite;
using Wolverine;
using Wolverine.Postgresql;
using Wolverine.Sqlite;
using Workflows.Benchmarks.Flows;
using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Sqlite;
using Workflows.Testing.Postgres;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// Durable throughput at scale: 2,000 3-step runs started at once and awaited, each worker running up
/// to 32 steps at a time, every commit synchronous on disk; on SQLite (one file), on PostgreSQL with
/// one worker, and on PostgreSQL with three workers ("PostgreSQL x3") (three runtimes, each with its own connections and
/// listener, as three processes would have). Beside the time: CPU, transactions and fsyncs per run.
/// Baselines in the same run: Hangfire and Wolverine, each running the same 3-step run as its users write it.
/// </summary>
[Config(typeof(Costs))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: WarmupIterations, iterationCount: MeasuredIterations)]
public class ThroughputBenchmarks
{
    /// <summary>
    /// Warm-up iterations before the measured ones: the JIT's tiering (rejitting hot methods with what it learned)
    /// settles only after about eight rounds of 2,000 runs. Profile mode on SQLite, round by round: 0.80, 0.71, 0.72,
    /// 0.74, 0.54, 0.53, 0.45, then 0.35–0.42 ms of CPU a run; with tiering off (<c>DOTNET_TieredCompilation=0</c>)
    /// every round from the second costs the same (0.44–0.49). With four warm-ups the measured iterations were the
    /// fifth to seventh rounds, still paying for the JIT's background compiles.
    /// </summary>
    private const int WarmupIterations = 8;

    /// <summary>The iterations BenchmarkDotNet measures, after its jitting and warm-up ones: the CPU column counts these too.</summary>
    private const int MeasuredIterations = 3;

    public const int Runs = 2000;

    /// <summary>Hangfire runs fewer per iteration: at its pace 2,000 would take minutes each.</summary>
    public const int HangfireRuns = 200;
    private const int PerWorker = 32;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-bench", Guid.NewGuid().ToString("N"));
    private readonly List<WorkflowRuntime> _runtimes = [];
    private readonly List<BackgroundJobServer> _hangfire = [];
    private readonly List<IHost> _wolverine = [];
    private PostgresScript? _server;
    private StoreCounters _counters = null!;
    private static MeterListener? s_completions;
    private static long s_completed;
    private long _started;
    private int _batch;

    [Params("SQLite", "PostgreSQL", "PostgreSQL x3")]
    public string Store { get; set; } = "";

    [GlobalSetup(Target = nameof(Workflows))]
    public async Task SetupWorkflowsAsync()
    {
        Directory.CreateDirectory(_directory);
        // Runs end in the runtime's commits: the run-completed metric counts them without any read of the store.
        s_completions = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Workflows" && instrument.Name == "workflows.runs.completed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        s_completions.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref s_completed, value));
        s_completions.Start();

        if (Store == "SQLite")
        {
            var store = new SqliteWorkflowStore(Path.Combine(_directory, "bench.db"));
            _runtimes.Add(await StartAsync(store));
            _counters = StoreCounters.ForSqlite(() => store.GroupCommitStatistics.Commits);
        }
        else
        {
            _server = new PostgresScript(Path.Combine(_directory, "pg"));
            string connectionString = await _server.StartAsync();
            for (int i = 0; i < (Store == "PostgreSQL" ? 1 : 3); i++)
            {
                _runtimes.Add(await StartAsync(new PostgresWorkflowStore(connectionString)));
            }

            _counters = StoreCounters.ForPostgres(connectionString);
        }

        await StartCountingAsync(nameof(Workflows));
    }

    [GlobalCleanup(Target = nameof(Workflows))]
    public async Task CleanupWorkflowsAsync()
    {
        foreach (WorkflowRuntime runtime in _runtimes)
        {
            await runtime.DisposeAsync();
        }

        await StopCountingAsync(nameof(Workflows));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Runs, Description = "Workflows")]
    public async Task Workflows()
    {
        // 2,000 callers start a run each at the same time (spread over the workers), then all are awaited.
        int batch = Interlocked.Increment(ref _batch);
        long target = Interlocked.Read(ref s_completed) + Runs;
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(i =>
            _runtimes[i % _runtimes.Count].StartRunAsync<DurableLinearFlow>(new Begin(i), new DurableRunOptions { RunId = $"b{batch}-{i}" })));
        Interlocked.Add(ref _started, Runs);
        while (Interlocked.Read(ref s_completed) < target)
        {
            await Task.Delay(2);
        }
    }

    [GlobalSetup(Target = nameof(Hangfire))]
    public async Task SetupHangfireAsync()
    {
        Directory.CreateDirectory(_directory);
        var servers = new BackgroundJobServerOptions { WorkerCount = PerWorker, SchedulePollingInterval = TimeSpan.FromSeconds(1) };
        if (Store == "SQLite")
        {
            GlobalConfiguration.Configuration.UseSQLiteStorage(Path.Combine(_directory, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromMilliseconds(50) });
            _hangfire.Add(new BackgroundJobServer(servers));
            _counters = StoreCounters.CpuOnly();
        }
        else
        {
            _server = new PostgresScript(Path.Combine(_directory, "pg"));
            string connectionString = await _server.StartAsync();
            var options = new PostgreSqlStorageOptions { QueuePollInterval = TimeSpan.FromMilliseconds(50), PrepareSchemaIfNecessary = true };
            GlobalConfiguration.Configuration.UsePostgreSqlStorage(c => c.UseNpgsqlConnection(connectionString), options);
            for (int i = 0; i < (Store == "PostgreSQL" ? 1 : 3); i++)
            {
                _hangfire.Add(new BackgroundJobServer(servers, new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options)));
            }

            _counters = StoreCounters.ForPostgres(connectionString);
        }

        await StartCountingAsync(nameof(Hangfire));
    }

    [GlobalCleanup(Target = nameof(Hangfire))]
    public async Task CleanupHangfireAsync()
    {
        foreach (BackgroundJobServer server in _hangfire)
        {
            server.SendStop();
        }

        foreach (BackgroundJobServer server in _hangfire)
        {
            server.Dispose();
        }

        await StopCountingAsync(nameof(Hangfire));
    }

    [Benchmark(OperationsPerInvoke = HangfireRuns, Description = "Hangfire 1.8 (a job enqueues the next)")]
    public async Task Hangfire()
    {
        long target = HangfireChain.Completed + HangfireRuns;
        // Four callers at a time: 200 at once made Hangfire's PostgreSQL job creation time out.
        await Parallel.ForAsync(0, HangfireRuns, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (i, _) =>
        {
            BackgroundJob.Enqueue(() => HangfireChain.Twice(i));
            return ValueTask.CompletedTask;
        });
        Interlocked.Add(ref _started, HangfireRuns);
        while (HangfireChain.Completed < target)
        {
            await Task.Delay(2);
        }
    }

    [GlobalSetup(Target = nameof(Wolverine))]
    public async Task SetupWolverineAsync()
    {
        Directory.CreateDirectory(_directory);
        if (Store == "SQLite")
        {
            // Every commit synchronous on disk, as the other engines' are (Wolverine's SQLite default is NORMAL).
            var pragmas = new SqlitePragmaSettings { Synchronous = SynchronousMode.FULL };
            string connectionString = "Data Source=" + Path.Combine(_directory, "wolverine.db");
            _wolverine.Add(await StartWolverineAsync(options => options.PersistMessagesWithSqlite(new SqliteDataSource(connectionString, pragmas)), solo: true));
            _counters = StoreCounters.CpuOnly();
        }
        else
        {
            _server = new PostgresScript(Path.Combine(_directory, "pg"));
            string connectionString = await _server.StartAsync();
            int nodes = Store == "PostgreSQL" ? 1 : 3;
            for (int i = 0; i < nodes; i++)
            {
                _wolverine.Add(await StartWolverineAsync(options => options.PersistMessagesWithPostgresql(connectionString, "wolverine"), solo: nodes == 1));
            }

            _counters = StoreCounters.ForPostgres(connectionString);
        }

        await StartCountingAsync(nameof(Wolverine));
    }

    [GlobalCleanup(Target = nameof(Wolverine))]
    public async Task CleanupWolverineAsync()
    {
        foreach (IHost host in _wolverine)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await StopCountingAsync(nameof(Wolverine));
    }

    [Benchmark(OperationsPerInvoke = Runs, Description = "Wolverine 6.64 (durable local queues)")]
    public async Task Wolverine()
    {
        // The same 2,000 callers, each publishing a run's first message (kept in the durable inbox before it returns).
        long target = WolverineChain.Completed + Runs;
        IMessageBus[] buses = [.. _wolverine.Select(host => host.Services.GetRequiredService<IMessageBus>())];
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(i => buses[i % buses.Length].PublishAsync(new WolverineBegin(i)).AsTask()));
        Interlocked.Add(ref _started, Runs);
        while (WolverineChain.Completed < target)
        {
            await Task.Delay(2);
        }
    }

    /// <summary>A Wolverine node as its user sets it up for durable local messaging: one (Solo) or several sharing the database (Balanced).</summary>
    private static async Task<IHost> StartWolverineAsync(Action<WolverineOptions> persistence, bool solo)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseWolverine(options =>
        {
            options.Durability.Mode = solo ? DurabilityMode.Solo : DurabilityMode.Balanced;
            persistence(options);
            options.Policies.UseDurableLocalQueues();
            options.Discovery.DisableConventionalDiscovery().IncludeType(typeof(WolverineChain));
        });
        builder.Services.AddResourceSetupOnStartup();
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<WorkflowRuntime> StartAsync(IWorkflowStore store)
    {
        var runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { MaxConcurrentDeliveries = PerWorker })
            .Register(() => new DurableLinearFlow(), BenchmarkJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    /// <summary>Starts counting a case's costs (after its setup), in a file of its own.</summary>
    private async Task StartCountingAsync(string method)
    {
        string costs = StoreCounters.FileFor(CostColumn.Key(method, Store));
        Directory.CreateDirectory(Path.GetDirectoryName(costs)!);
        File.Delete(costs);
        await _counters.StartAsync();
    }

    [IterationSetup]
    public void IterationSetup() => _counters.IterationStarting(Interlocked.Read(ref _started));

    [IterationCleanup]
    public void IterationCleanup() => _counters.IterationEnded(Interlocked.Read(ref _started));

    /// <summary>Writes a case's costs (once its engine is stopped) and stops its PostgreSQL server, if any.</summary>
    private async Task StopCountingAsync(string method)
    {
        await _counters.WriteAsync(CostColumn.Key(method, Store), _started, MeasuredIterations);
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    /// <summary>Adds the cost columns.</summary>
    private sealed class Costs : ManualConfig
    {
        public Costs() => AddColumn(CostColumn.All);
    }
}
