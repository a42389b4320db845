using Workflows.Durable.Tests.Flows;
using Workflows.Sqlite;

namespace Workflows.Durable.Tests;

/// <summary>A store for one test — a SQLite file in a temp directory, or a fresh PostgreSQL database — and runtimes over it.</summary>
internal sealed class TempStore : IDisposable
{
    private readonly string? _postgres;

    /// <summary>A PostgreSQL database (given its connection string) instead of a SQLite file.</summary>
    public TempStore(string postgres)
        : this()
    {
        _postgres = postgres;
    }

    public TempStore()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "runs.db");
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>What the worker process takes as its store argument.</summary>
    public string WorkerArgument => _postgres is null ? Path : "postgres:" + _postgres;

    public IWorkflowStore NewStore() => _postgres is null ? new SqliteWorkflowStore(Path) : new Workflows.Postgres.PostgresWorkflowStore(_postgres);

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>A runtime with every test workflow registered, polling fast.</summary>
    public async Task<WorkflowRuntime> StartRuntimeAsync(Action<WorkflowRuntimeOptions>? configure = null, bool start = true, Func<IWorkflowStore, IWorkflowStore>? wrap = null)
    {
        var options = new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50), Lease = TimeSpan.FromSeconds(3) };
        configure?.Invoke(options);
        WorkflowRuntime runtime = new WorkflowRuntime(wrap is null ? NewStore() : wrap(NewStore()), options)
            .Register(() => new ShippingFlow(), TestJson.Default)
            .Register(() => new ChapterFlow(), TestJson.Default)
            .Register(() => new SupportFlow(), TestJson.Default)
            .Register(() => new FlakyFlow(), TestJson.Default)
            .Register(() => new DoomedFlow(), TestJson.Default)
            .Register(() => new TimerFlow(), TimerJson.Default)
            .Register(() => new Worker.CrashFlow(), Worker.CrashJson.Default)
            .Register(() => new PoisonFlow(), PoisonJson.Default)
            .Register(() => new AttemptFlow(), SafetyJson.Default)
            .Register(() => new SkewFlow(), SafetyJson.Default)
            .Register(() => new SlowFlow(), SafetyJson.Default)
            .Register(() => new LingerFlow(), SafetyJson.Default)
            .Register(() => new DeadlineFlow(), DeadlineJson.Default)
            .Register(() => new HangFlow(), DeadlineJson.Default)
            .Register(() => new QuietFlow(), DeadlineJson.Default)
            .Register(() => new QuoteFlow(), ChildJson.Default)
            .Register(() => new PurchaseFlow(), ChildJson.Default)
            .Register(() => new UnregisteredChildFlow(), ChildJson.Default)
            .Register(() => new Worker.ParentFlow(), Worker.ParentJson.Default)
            .Register(() => new FixableFlow(), OperatedJson.Default)
            .Register(() => new Worker.ChargeFlow(), Worker.OnceJson.Default)
            .Register(() => new Worker.OnceMisuseFlow(), Worker.OnceJson.Default)
            .Register(() => new Worker.SummaryFlow(), Worker.ModelJson.Default)
            .Register(() => new TickingFlow(), TickingJson.Default)
            .Register(() => new InvoiceFlow(), InvoiceJson.Default)
            .Register(() => new ContractFlow(), TaskJson.Default)
            .Register(() => new SignOffFlow(), TaskJson.Default);
        if (start)
        {
            await runtime.StartAsync();
        }

        return runtime;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holds the file; the temp directory is cleaned by the OS.
        }
    }
}
