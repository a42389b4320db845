using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Workflows.Benchmarks.Flows;
using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Sqlite;
using Workflows.Testing.Postgres;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// How fast work moves between processes, with default options. Each "process" is a runtime with a
/// store of its own (its own connections, and on PostgreSQL its own LISTEN), as a separate process has:
/// <list type="bullet">
/// <item><b>Takeover</b>: a worker claims a run's step and dies at once (its claim is taken and never
/// renewed or committed: the worst moment to die, a whole lease left); another worker starts, and the
/// time is until the step starts there.</item>
/// <item><b>Wake-up</b>: a run is started through one process's store and its step starts in an idle
/// worker of another; beside it, the same start through the worker's own runtime, where the worker is
/// signalled in memory. The difference is what crossing processes costs.</item>
/// </list>
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RecoveryBenchmarks
{
    /// <summary>Runs started per wake-up iteration, one after another.</summary>
    public const int Starts = 20;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-bench", Guid.NewGuid().ToString("N"));
    private readonly List<WorkflowRuntime> _runtimes = [];
    private PostgresScript? _server;
    private Func<IWorkflowStore> _newStore = null!;
    private WorkflowRuntime _worker = null!;
    /// <summary>Another process, with no workers: it only starts runs.</summary>
    private WorkflowRuntime _other = null!;
    private IWorkflowStore? _deadWorker;
    private int _value;

    [Params("SQLite", "PostgreSQL")]
    public string Store { get; set; } = "";

    [GlobalSetup(Targets = [nameof(StartedInProcess), nameof(StartedFromAnotherProcess)])]
    public async Task SetupWakeUpAsync()
    {
        await SetupStoreAsync();
        _worker = await StartAsync(runWorkers: true);
        _other = await StartAsync(runWorkers: false);
    }

    /// <summary>No worker runs between takeovers: the one that dies is the only one to claim the run's step.</summary>
    [GlobalSetup(Target = nameof(Takeover))]
    public async Task SetupTakeoverAsync()
    {
        await SetupStoreAsync();
        _other = await StartAsync(runWorkers: false);
        _deadWorker = _newStore();
        await _deadWorker.InitializeAsync(CancellationToken.None);
    }

    private async Task SetupStoreAsync()
    {
        Directory.CreateDirectory(_directory);
        if (Store == "SQLite")
        {
            string file = Path.Combine(_directory, "recovery.db");
            _newStore = () => new SqliteWorkflowStore(file);
        }
        else
        {
            _server = new PostgresScript(Path.Combine(_directory, "pg"));
            string connectionString = await _server.StartAsync();
            _newStore = () => new PostgresWorkflowStore(connectionString);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (WorkflowRuntime runtime in _runtimes)
        {
            await runtime.DisposeAsync();
        }

        if (_deadWorker is not null)
        {
            await _deadWorker.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Starts, Description = "Wake-up: started through the worker's own runtime")]
    public Task StartedInProcess() => StartRunsAsync(_worker);

    [Benchmark(OperationsPerInvoke = Starts, Description = "Wake-up: started through another process's store")]
    public Task StartedFromAnotherProcess() => StartRunsAsync(_other);

    [Benchmark(Description = "Takeover: a worker dies as it claims; the step starts in another")]
    public async Task Takeover()
    {
        RunRecord run = await _other.StartRunAsync<SignalFlow>(new Begin(Interlocked.Increment(ref _value)));
        Task ran = SignalFlow.NextRan();
        ClaimResult claim = await _deadWorker!.ClaimAsync(
            new ClaimRequest("dead-worker", new Dictionary<string, string> { [run.Workflow] = run.Fingerprint }, DateTimeOffset.UtcNow, new WorkflowRuntimeOptions().Lease),
            CancellationToken.None);
        if (claim.Deliveries.Count != 1)
        {
            throw new InvalidOperationException($"The dying worker claimed {claim.Deliveries.Count} deliveries, not the run's one step.");
        }

        await using WorkflowRuntime survivor = await StartAsync(runWorkers: true, keep: false);
        await ran.WaitAsync(TimeSpan.FromSeconds(60));
        await survivor.WaitForCompletionAsync(run.RunId);
    }

    private async Task StartRunsAsync(WorkflowRuntime through)
    {
        for (int i = 0; i < Starts; i++)
        {
            Task ran = SignalFlow.NextRan();
            await through.StartRunAsync<SignalFlow>(new Begin(Interlocked.Increment(ref _value)));
            await ran.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private async Task<WorkflowRuntime> StartAsync(bool runWorkers, bool keep = true)
    {
        var runtime = new WorkflowRuntime(_newStore(), new WorkflowRuntimeOptions { RunWorkers = runWorkers })
            .Register(() => new SignalFlow(), BenchmarkJson.Default);
        await runtime.StartAsync();
        if (keep)
        {
            _runtimes.Add(runtime);
        }

        return runtime;
    }
}
