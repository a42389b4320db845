using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workflows.Conformance.Tests;

/// <summary>The HostedOrders sample run as the README shows it, durably: its orders' outcomes, and one trace for all their spans.</summary>
public sealed partial class HostedOrdersSampleTests
{
    [Fact]
    public async Task The_durable_sample_ships_two_orders_rejects_one_and_traces_every_step_under_the_caller_s_span()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HostedOrders.dll"), "--durable"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await error}");
        Assert.Contains("Order A-1: shipped, 25.00 EUR", output, StringComparison.Ordinal);
        Assert.Contains("Order A-2: shipped, 24.00 EUR", output, StringComparison.Ordinal);
        Assert.Contains("Order A-3: rejected: no product LAMP-9", output, StringComparison.Ordinal);

        // OpenTelemetry's console exporter prints each span as a block of lines; blocks of spans that end
        // at once may interleave, so spans are counted by name and every span's trace compared.
        Assert.Single(DisplayNames().Matches(output), m => m.Groups["name"].Value == "place orders");
        Assert.Equal(12, DisplayNames().Matches(output).Count(m => m.Groups["name"].Value.StartsWith("step ", StringComparison.Ordinal)));
        string[] traces = [.. TraceIds().Matches(output).Select(m => m.Groups["trace"].Value).Distinct()];
        Assert.True(traces.Length == 1, $"Every span (the caller's, each run's, each step's) should be in one trace; found {traces.Length}.");
        Assert.Contains("workflows.durable.deliveries.started", output, StringComparison.Ordinal);
        Assert.Contains("Workflows.Durable[106]", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^Activity\.DisplayName:\s+(?<name>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex DisplayNames();

    [GeneratedRegex(@"^Activity\.TraceId:\s+(?<trace>[0-9a-f]{32})\s*$", RegexOptions.Multiline)]
    private static partial Regex TraceIds();
}
