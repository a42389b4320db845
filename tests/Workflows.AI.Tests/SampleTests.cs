using System.Diagnostics;

namespace Workflows.AI.Tests;

/// <summary>The SupportTicket sample, run as a process offline: it stops at a question when its input ends, and a second start resumes the same run without calling the model again.</summary>
public class SampleTests
{
    [Fact]
    public async Task The_support_sample_stops_at_a_question_without_input_and_resumes_the_same_run_when_started_again()
    {
        string directory = Path.Combine(Path.GetTempPath(), "workflows-support-sample", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);

        (int stopped, string first) = await RunSampleAsync(directory, input: string.Empty);
        (int finished, string second) = await RunSampleAsync(directory, input: "\ny\n");

        Assert.True(stopped == 3, first);
        Assert.Contains("Model: scripted (offline", first, StringComparison.Ordinal);
        Assert.Contains("Triage: billing, high urgency, keywords: charged, subscription, invoice", first, StringComparison.Ordinal);
        Assert.Contains("waits in support.db for the answer", first, StringComparison.Ordinal);
        string runId = first.Split('\n').Single(l => l.StartsWith("Run ", StringComparison.Ordinal))[4..].Trim();

        Assert.True(finished == 0, second);
        Assert.Contains($"Run {runId}", second, StringComparison.Ordinal);
        Assert.Contains("The billing team", second, StringComparison.Ordinal);
        Assert.Contains("Ticket of ana@example.com: reply sent, approved by", second, StringComparison.Ordinal);

        // One triage call (repaired once: two requests) and one draft, however often the steps ran.
        Assert.Contains("Model calls: 2, tokens:", second, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunSampleAsync(string directory, string input)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SupportTicket.dll"));
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("OLLAMA_URL");
        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
