using Workflows.Durable;
using Workflows.Durable.Worker;
using Workflows.Sqlite;

// Workflows.Durable.Worker <sqlite file | postgres:connection string> [start <runs> <items> [timeout seconds] | start-parent <items> | defaults]
//   serves the store's runs until killed; with "start", first starts runs (idempotently, each with the
//   timeout if one is given) and prints their ids; with "defaults", runs with the default options
//   (lease, poll interval) a user gets, to measure recovery and wake-ups as they are out of the box.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Workflows.Durable.Worker <sqlite file | postgres:connection string> [start <runs> <items>]");
    return 2;
}

IWorkflowStore store = args[0].StartsWith("postgres:", StringComparison.Ordinal)
    ? new Workflows.Postgres.PostgresWorkflowStore(args[0]["postgres:".Length..])
    : new SqliteWorkflowStore(args[0]);
SleepFlow.Process = "worker";
WorkflowRuntimeOptions options = args is [_, "defaults"] ? new WorkflowRuntimeOptions() : new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50), Lease = TimeSpan.FromSeconds(2) };
options.LoggerFactory = new StandardErrorLogger();
options.Queues[SoakFlow.Queue] = new QueueOptions { Concurrency = SoakFlow.QueueLimit };
await using WorkflowRuntime runtime = new WorkflowRuntime(store, options)
    .Register(() => new CrashFlow(), CrashJson.Default)
    .Register(() => new ParentFlow(), ParentJson.Default)
    .Register(() => new SleepFlow(), RecoveryJson.Default)
    .Register(() => new PingFlow(), RecoveryJson.Default)
    .Register(() => new SoakFlow(), SoakJson.Default)
    .Register(() => new DoubleFlow(), SoakJson.Default)
    .Register(() => new TickFlow(), SoakJson.Default)
    .Register(() => new ChargeFlow(), OnceJson.Default)
    .Register(() => new SummaryFlow(), ModelJson.Default);
await runtime.StartAsync();

if (args.Length >= 3 && args[1] == "start-parent")
{
    RunRecord run = await runtime.StartRunAsync<ParentFlow>(new Parent(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)), new DurableRunOptions { IdempotencyKey = "parent" });
    Console.WriteLine(run.RunId);
}

if (args.Length >= 4 && args[1] == "start")
{
    int runs = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    int items = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    for (int i = 0; i < runs; i++)
    {
        TimeSpan? timeout = args.Length >= 5 ? TimeSpan.FromSeconds(double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)) : null;
        RunRecord run = await runtime.StartRunAsync<CrashFlow>(new Batch(items), new DurableRunOptions { IdempotencyKey = $"batch-{i}", Timeout = timeout });
        Console.WriteLine(run.RunId);
    }
}

Console.WriteLine("serving");
await Task.Delay(Timeout.Infinite);
return 0;
