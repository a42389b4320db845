using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Workflows.Benchmarks.Durable;

/// <summary>A cost per run (CPU, transactions, fsyncs) the benchmark process wrote through <see cref="StoreCounters"/>.</summary>
internal sealed class CostColumn(string name, int index, string legend) : IColumn
{
    public static readonly IColumn[] All =
    [
        new CostColumn("CPU/run (ms)", 0, "This process's CPU time per run over the measured iterations, like the time (the store server's not included)"),
        new CostColumn("Transactions/run", 1, "Store transactions per run: PostgreSQL's committed and rolled-back transactions; SQLite's group commits"),
        new CostColumn("Fsyncs/run", 2, "WAL fsyncs per run: PostgreSQL's pg_stat_wal.wal_sync; SQLite's group commits (synchronous=FULL, one each)"),
    ];

    public string Id => "Cost." + index.ToString(CultureInfo.InvariantCulture);

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => index;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>The file name a case's costs are written under: its method and its parameters' values.</summary>
    public static string Key(string method, params object?[] parameters) =>
        method + "." + string.Join('.', parameters.Select(p => new string([.. (p?.ToString() ?? "null").Select(c => char.IsLetterOrDigit(c) ? c : '_')])));

    private static string KeyOf(BenchmarkCase benchmark) => Key(benchmark.Descriptor.WorkloadMethod.Name, [.. benchmark.Parameters.Items.Select(p => p.Value)]);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        string file = StoreCounters.FileFor(KeyOf(benchmarkCase));
        if (!File.Exists(file))
        {
            return "?";
        }

        string[] values = File.ReadAllText(file).Split(' ');
        return values.Length > index ? values[index] : "?";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
