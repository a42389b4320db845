using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Workflows.Server.Tests;

/// <summary>
/// Many clients over real HTTP on loopback, bounded in count and time: each starts reviews, waits for
/// the question, approves, and waits for the result. Every request must succeed and every run must
/// complete with the right result. The figures go to the test output and artifacts/load-test.txt.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Clients = 32;
    private const int RunsPerClient = 25;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Thirty_two_clients_start_and_complete_800_runs_with_no_error_and_no_lost_run()
    {
        await using var server = new ServerHost(
            s =>
            {
                // Measuring the server, not the limiter: one key is shared by all the clients here.
                s["Workflows:Server:RateLimit:PermitsPerSecond"] = "100000";
                s["Workflows:Server:RateLimit:Burst"] = "100000";
            },
            kestrel: true);
        using var deadline = new CancellationTokenSource(Budget);
        var recorder = new Recorder();

        // One run first, outside the figures: starts Kestrel and compiles the paths the clients take.
        await ClientAsync(server, Clients, new Recorder(), deadline.Token, runs: 1);

        var clock = Stopwatch.StartNew();
        (string RunId, int Client)[][] runs = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => ClientAsync(server, c, recorder, deadline.Token)));
        clock.Stop();

        // Nothing lost: every run the clients started is stored as completed, with the reviewer's answer.
        HttpClient check = server.Client();
        JsonNode completed = await (await check.GetAsync("/api/runs?status=completed&limit=1")).ReadAsync();
        Assert.Equal((Clients * RunsPerClient) + 1, (int)completed["total"]!);
        Assert.Equal(Clients * RunsPerClient, runs.SelectMany(r => r).DistinctBy(r => r.RunId).Count());
        foreach ((string runId, int client) in runs.SelectMany(r => r))
        {
            JsonNode run = await (await check.GetAsync($"/api/runs/{runId}")).ReadAsync();
            Assert.Equal(("completed", $"rejected by tester: client-{client}"), ((string?)run["status"], (string?)run["result"]!["outcome"]));
        }

        string report = recorder.Report(clock.Elapsed);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(Testing.RepositoryPaths.Root, "artifacts")).FullName, "load-test.txt"), report);
        Assert.Empty(recorder.Errors);
    }

    private static async Task<(string RunId, int Client)[]> ClientAsync(ServerHost server, int client, Recorder recorder, CancellationToken cancellationToken, int runs = RunsPerClient)
    {
        using HttpClient http = server.Client();
        var ids = new (string RunId, int Client)[runs];
        for (int i = 0; i < runs; i++)
        {
            long began = Stopwatch.GetTimestamp();

            using var start = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/ReviewFlow/runs")
            {
                Content = JsonContent.Create(new { title = $"report {client}-{i}", text = Api.Report }),
            };
            JsonNode started = await recorder.SendAsync(http, start, HttpStatusCode.Created, "start", cancellationToken);
            string runId = (string)started["runId"]!;
            ids[i] = (runId, client);
            string comment = $"client-{client}";

            await PollAsync(http, runId, "waitingForInput", recorder, cancellationToken);
            using var decide = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{runId}/events")
            {
                Content = JsonContent.Create(new { type = "ReviewerDecision", data = new { approve = false, comment } }),
            };
            await recorder.SendAsync(http, decide, HttpStatusCode.Accepted, "event", cancellationToken);
            await PollAsync(http, runId, "completed", recorder, cancellationToken);
            recorder.RunDone(Stopwatch.GetElapsedTime(began));
        }

        return ids;
    }

    private static async Task PollAsync(HttpClient http, string runId, string status, Recorder recorder, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{runId}");
            JsonNode run = await recorder.SendAsync(http, get, HttpStatusCode.OK, "get", cancellationToken);
            if ((string?)run["status"] == status)
            {
                return;
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Every request's latency and outcome, and every run's time from start to result.</summary>
    private sealed class Recorder
    {
        private readonly List<(string Kind, double Milliseconds)> _requests = [];
        private readonly List<double> _runs = [];

        public List<string> Errors { get; } = [];

        public async Task<JsonNode> SendAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected, string kind, CancellationToken cancellationToken)
        {
            long began = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            double elapsed = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            lock (this)
            {
                _requests.Add((kind, elapsed));
                if (response.StatusCode != expected)
                {
                    Errors.Add($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
                }
            }

            Assert.True(response.StatusCode == expected, $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
            return JsonNode.Parse(body)!;
        }

        public void RunDone(TimeSpan elapsed)
        {
            lock (this)
            {
                _runs.Add(elapsed.TotalMilliseconds);
            }
        }

        public string Report(TimeSpan wall)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"Load test: {Clients} clients x {RunsPerClient} runs = {_runs.Count} runs over loopback HTTP (SQLite store), {Environment.ProcessorCount} cores");
            text.AppendLine(CultureInfo.InvariantCulture, $"  wall time            {wall.TotalSeconds:F2} s");
            text.AppendLine(CultureInfo.InvariantCulture, $"  requests             {_requests.Count} ({_requests.Count / wall.TotalSeconds:F0} requests/s), errors: {Errors.Count}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  request latency      p50 {Percentile(_requests.Select(r => r.Milliseconds), 50):F2} ms, p99 {Percentile(_requests.Select(r => r.Milliseconds), 99):F2} ms");
            foreach (IGrouping<string, (string Kind, double Milliseconds)> kind in _requests.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {kind.Key,-8} x{kind.Count(),-6} p50 {Percentile(kind.Select(r => r.Milliseconds), 50),7:F2} ms   p99 {Percentile(kind.Select(r => r.Milliseconds), 99),7:F2} ms");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  runs                 {_runs.Count / wall.TotalSeconds:F1} runs/s completed; start to result p50 {Percentile(_runs, 50):F0} ms, p99 {Percentile(_runs, 99):F0} ms");
            return text.ToString();
        }

        private static double Percentile(IEnumerable<double> values, int percentile)
        {
            double[] sorted = [.. values.Order()];
            return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
