using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Npgsql;
using Workflows.Benchmarks.Flows;
using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Sqlite;
using Workflows.Testing.Postgres;

namespace Workflows.Benchmarks.Profiling;

/// <summary>
/// A quick look at durable throughput while working on the store paths, round by round (BenchmarkDotNet's
/// <c>ThroughputBenchmarks</c> is the measure that counts): rounds of 2,000 3-step runs started at once,
/// each with its time, this process's CPU and, on PostgreSQL, the server's transactions per run.
/// <c>dotnet run -c Release --project benchmarks/Workflows.Benchmarks -- --profile PostgreSQL [workers] [rounds]</c>
/// </summary>
internal static class DurableProfile
{
    private const int Runs = 2000;
    private static long s_completed;

    /// <summary>The durable pipeline's histograms, summed (count, total) per round: where a delivery's time goes.</summary>
    private static readonly string[] s_timings = ["workflows.durable.queue_wait", "workflows.durable.commit.duration", "workflows.durable.claim.batch_size"];
    private static readonly double[] s_sums = new double[s_timings.Length];
    private static readonly long[] s_counts = new long[s_timings.Length];

    public static async Task RunAsync(string[] args)
    {
        string store = args.Length > 1 ? args[1] : "PostgreSQL";
        int workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        int rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
        string session = Guid.NewGuid().ToString("N")[..8];
        string directory = Path.Combine(Path.GetTempPath(), "workflows-profile", session);
        Directory.CreateDirectory(directory);
        // WORKFLOWS_PROFILE_TIMINGS=1 adds the pipeline's histograms to each round, at a cost: listening to them took
        // a third of a millisecond of CPU a run on PostgreSQL.
        bool timed = Environment.GetEnvironmentVariable("WORKFLOWS_PROFILE_TIMINGS") == "1";
        using var completions = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Workflows" && (instrument.Name == "workflows.runs.completed" || (timed && Array.IndexOf(s_timings, instrument.Name) >= 0)))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        completions.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref s_completed, value));
        completions.SetMeasurementEventCallback<double>((instrument, value, _, _) => Sum(instrument.Name, value));
        completions.SetMeasurementEventCallback<int>((instrument, value, _, _) => Sum(instrument.Name, value));
        completions.Start();

        PostgresScript? server = null;
        string? connectionString = null;
        var runtimes = new List<WorkflowRuntime>();
        if (store == "SQLite")
        {
            runtimes.Add(await StartAsync(new SqliteWorkflowStore(Path.Combine(directory, "profile.db"))));
        }
        else
        {
            // WORKFLOWS_PROFILE_POSTGRES names a server of your own (one with pg_stat_statements loaded, say).
            connectionString = Environment.GetEnvironmentVariable("WORKFLOWS_PROFILE_POSTGRES");
            if (connectionString is null)
            {
                server = new PostgresScript(Path.Combine(directory, "pg"));
                connectionString = await server.StartAsync();
            }
            for (int i = 0; i < workers; i++)
            {
                runtimes.Add(await StartAsync(new PostgresWorkflowStore(connectionString)));
            }
        }

        try
        {
            for (int round = 0; round < rounds; round++)
            {
                long before = await PostgresCountsAsync(connectionString);
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                (long Busy, long Total) machine = MachineJiffies();
                long allocated = GC.GetTotalAllocatedBytes();
                int collections = GC.CollectionCount(0);
                long workItems = ThreadPool.CompletedWorkItemCount;
                long started = Stopwatch.GetTimestamp();
                long target = Interlocked.Read(ref s_completed) + Runs;
                await Task.WhenAll(Enumerable.Range(0, Runs).Select(i =>
                    runtimes[i % runtimes.Count].StartRunAsync<DurableLinearFlow>(new Begin(i), new DurableRunOptions { RunId = $"{session}-{round}-{i}" })));
                while (Interlocked.Read(ref s_completed) < target)
                {
                    await Task.Delay(2);
                }

                TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                double allocatedPerRun = (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / Runs;
                int gen0 = GC.CollectionCount(0) - collections;
                double workItemsPerRun = (ThreadPool.CompletedWorkItemCount - workItems) / (double)Runs;
                double cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Runs;
                (long Busy, long Total) machineAfter = MachineJiffies();
                double machinePerRun = (machineAfter.Busy - machine.Busy) * 10.0 / Runs;
                double machineShare = (machineAfter.Busy - machine.Busy) / (double)Math.Max(1, machineAfter.Total - machine.Total);
                long after = await PostgresCountsAsync(connectionString);
                string timings = timed ? "; " + TakeTimings() : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: {elapsed.TotalMilliseconds / Runs:0.000} ms/run ({Runs / elapsed.TotalSeconds:0} runs/s), CPU {cpuPerRun:0.000} ms/run (whole machine {machinePerRun:0.000} ms/run, {machineShare:P0} busy), transactions {(after - before) / (double)Runs:0.00}/run, allocated {allocatedPerRun:0.0} KB/run ({gen0} gen0 GCs), {workItemsPerRun:0.0} thread-pool work items/run{timings}"));
            }
        }
        finally
        {
            foreach (WorkflowRuntime runtime in runtimes)
            {
                await runtime.DisposeAsync();
            }

            if (server is not null)
            {
                await server.StopAsync();
            }
        }
    }

    private static void Sum(string name, double value)
    {
        int index = Array.IndexOf(s_timings, name);
        lock (s_sums)
        {
            s_sums[index] += value;
            s_counts[index]++;
        }
    }

    /// <summary>Each histogram's mean since the last call (seconds shown as ms), and resets them.</summary>
    private static string TakeTimings()
    {
        lock (s_sums)
        {
            string text = string.Join(", ", s_timings.Select((name, i) =>
            {
                double mean = s_counts[i] == 0 ? 0 : s_sums[i] / s_counts[i];
                return name.EndsWith("batch_size", StringComparison.Ordinal)
                    ? string.Create(CultureInfo.InvariantCulture, $"{name[18..]} {mean:0.0}")
                    : string.Create(CultureInfo.InvariantCulture, $"{name[18..]} {mean * 1000:0.00} ms");
            }));
            Array.Clear(s_sums);
            Array.Clear(s_counts);
            return text;
        }
    }

    private static async Task<WorkflowRuntime> StartAsync(IWorkflowStore store)
    {
        var runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { MaxConcurrentDeliveries = 32 })
            .Register(() => new DurableLinearFlow(), BenchmarkJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    /// <summary>The whole machine's busy and total CPU time so far, in jiffies (10 ms), from /proc/stat (zeros elsewhere).</summary>
    private static (long Busy, long Total) MachineJiffies()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        long[] fields = [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture))];
        long idle = fields[3] + fields[4];
        long total = fields.Take(8).Sum();
        return (total - idle, total);
    }

    /// <summary>The server's transactions so far (0 on SQLite).</summary>
    private static async Task<long> PostgresCountsAsync(string? connectionString)
    {
        if (connectionString is null)
        {
            return 0;
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // A new connection has no statistics snapshot of its own yet, so this reads the counts as they are now.
        await using var command = new NpgsqlCommand(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
