using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Workflows.Server.Tests;

/// <summary>
/// 10,000 malformed requests over every endpoint, from a fixed seed: broken and hostile bodies (bytes
/// that are not UTF-8, lone surrogates, wrong types, deep nesting, truncation), odd ids and query
/// values, wrong content types, missing and wrong keys. None may answer 5xx, and no error may name an
/// exception or a .NET type; every error under the server's paths is a problem.
/// </summary>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    private const int Requests = 10_000;

    private static readonly string[] ServerPaths = ["/api", "/health", "/dashboard"];

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_4xx_problems_that_name_no_dotnet_type()
    {
        // Over real HTTP (Kestrel): the in-memory test server refuses some of these requests itself.
        await using var server = new ServerHost(settings => settings["Workflows:Server:RateLimit:PermitsPerSecond"] = "1000000", kestrel: true);
        HttpClient client = server.Client();
        using var raw = new HttpClient { BaseAddress = server.Address };
        string waiting = await client.StartAsync();
        await client.WaitForAsync(waiting, "waitingForInput");
        string done = await client.StartAsync(Api.CleanReport);
        await client.WaitForAsync(done, "completed");
        string webhook = (string)(await (await client.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h" })).ReadAsync())["id"]!;
        await server.Runtime.ScheduleWorkflowAsync("weekly", "ReviewFlow", new DocumentReview.DocumentSubmitted("Weekly", Api.CleanReport), new Durable.ScheduleSpec { Cron = "0 9 * * 1" });

        var random = new Random(20261203);
        var generator = new RequestGenerator(random, [waiting, done], webhook, "weekly");
        var statuses = new SortedDictionary<int, int>();
        int kestrel = 0;
        for (int i = 0; i < Requests; i++)
        {
            (HttpRequestMessage request, string described) = generator.Next();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            HttpResponseMessage response;
            try
            {
                response = await raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (OperationCanceledException) when (described.Contains("/stream", StringComparison.Ordinal))
            {
                continue; // A stream of a run that has not ended stays open; that is what it is for.
            }

            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            string body = described.Contains("/stream", StringComparison.Ordinal) && status < 400 ? string.Empty : await ReadAsync(response, timeout.Token);
            Assert.True(status < 500, $"#{i} {described}\n→ {status}\n{body}");
            if (status >= 400)
            {
                Assert.False(DotNetNames().IsMatch(body), $"#{i} {described}\n→ {status} names a .NET type or exception:\n{body}");
                // A path the client normalized out of the server's own (/dashboard/../../x is /x) is the app's to answer.
                // Kestrel refuses some requests itself, before any middleware (a path with a NUL in it):
                // an empty 400 (or 414, 431), which the README says stays as Kestrel writes it.
                string path = response.RequestMessage!.RequestUri!.AbsolutePath;
                if (status is 400 or 414 or 431 && body.Length == 0 && response.Content.Headers.ContentType is null)
                {
                    kestrel++;
                }
                else if (ServerPaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)))
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"#{i} {described}\n→ {status} is not a problem ({response.Content.Headers.ContentType}):\n{body}");
                    JsonNode problem = JsonNode.Parse(body)!;
                    Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), $"#{i} {described}\n→ {status} has no detail:\n{body}");
                }
            }
        }

        output.WriteLine(string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")) + $"; {kestrel} refused by Kestrel itself");
        Assert.True(kestrel < Requests / 20, $"{kestrel} requests were refused by Kestrel before reaching the server: too few reached the endpoints.");
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 6, "The requests should have met many kinds of error: " + string.Join(", ", statuses.Keys));
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return "(a body still streaming after 10 s)";
        }
    }

    [GeneratedRegex(@"\b(?:System|Microsoft|Workflows|DocumentReview|ApprovalServer)\.[A-Z]|Exception\b|\bat [\w.]+\(")]
    private static partial Regex DotNetNames();

    /// <summary>Requests for every endpoint, each with one or more things wrong with it (or, now and then, nothing).</summary>
    private sealed class RequestGenerator(Random random, string[] runs, string webhook, string schedule)
    {
        private static readonly string[] Keys = [ServerHost.Key, ServerHost.ReaderKey, "", "wrong-key-0123456789abcdef", "Bearer", "tester-key-0123456789abcdeF"];
        private static readonly string[] ContentTypes = ["application/json", "application/json; charset=utf-8", "text/plain", "application/problem+json", "application/x-www-form-urlencoded", "", "application/json; charset=latin1", "multipart/form-data"];

        public (HttpRequestMessage Request, string Described) Next()
        {
            (HttpMethod method, string path, bool hasBody) = Endpoint();
            string query = random.Next(4) == 0 ? Query() : string.Empty;
            var request = new HttpRequestMessage(random.Next(12) == 0 ? Pick([HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Get, HttpMethod.Post]) : method, path + query);
            string key = random.Next(10) == 0 ? Pick(Keys) : ServerHost.Key;
            if (key.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", random.Next(20) == 0 ? key : "Bearer " + key);
            }

            string described = $"{request.Method} {request.RequestUri}";
            if (hasBody || random.Next(8) == 0)
            {
                byte[] body = Body(path);
                var content = new ByteArrayContent(body);
                string type = random.Next(6) == 0 ? Pick(ContentTypes) : "application/json";
                if (type.Length > 0)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", type);
                }

                request.Content = content;
                described += $" [{type}] {Preview(body)}";
            }

            return (request, described);
        }

        private (HttpMethod Method, string Path, bool HasBody) Endpoint()
        {
            string run = Id(Pick(runs));
            return random.Next(26) switch
            {
                0 => (HttpMethod.Get, "/api/workflows", false),
                1 => (HttpMethod.Get, $"/api/workflows/{Id("ReviewFlow")}", false),
                2 or 3 or 4 => (HttpMethod.Post, $"/api/workflows/{Id("ReviewFlow")}/runs", true),
                5 => (HttpMethod.Get, "/api/runs", false),
                6 => (HttpMethod.Get, $"/api/runs/{run}", false),
                7 => (HttpMethod.Get, $"/api/runs/{run}/events", false),
                8 => (HttpMethod.Get, $"/api/runs/{Id(runs[1])}/events/stream", false),
                9 or 10 or 11 or 12 => (HttpMethod.Post, $"/api/runs/{run}/events", true),
                13 => (HttpMethod.Post, $"/api/runs/{run}/{Pick(["cancel", "suspend", "resume", "retry", "explode"])}", random.Next(2) == 0),
                14 => (HttpMethod.Post, "/api/runs/purge", true),
                15 => (HttpMethod.Get, "/api/schedules", false),
                16 => (HttpMethod.Post, $"/api/schedules/{Id(schedule)}/{Pick(["pause", "resume", "stop"])}", false),
                17 => (HttpMethod.Get, "/api/tasks", false),
                18 => (HttpMethod.Get, "/api/webhooks", false),
                19 or 20 => (HttpMethod.Post, "/api/webhooks", true),
                21 => (HttpMethod.Get, $"/api/webhooks/{Id(webhook)}/deliveries", false),
                22 => (HttpMethod.Get, "/api/me", false),
                23 => (HttpMethod.Get, Pick(["/health/live", "/health/ready", "/health/nope", "/health"]), false),
                24 => (HttpMethod.Get, Pick(["/dashboard/", "/dashboard/app.js", "/dashboard/nope.js", "/dashboard/../../etc/passwd", "/dashboard/%2e%2e/secret", "/api/openapi/workflows.json", "/api/openapi/other.json"]), false),
                _ => (HttpMethod.Get, "/api/" + Id("nothing/here"), false),
            };
        }

        /// <summary>A real id most of the time; otherwise a damaged or hostile one, escaped for a URL path.</summary>
        private string Id(string real) => random.Next(3) != 0 ? Uri.EscapeDataString(real) : Pick([
            Uri.EscapeDataString(Guid.NewGuid().ToString()),
            "%00", "%FF", "%ED%A0%80", "%C0%AF", "..", "%2e%2e%2f%2e%2e", new string('a', 3000),
            Uri.EscapeDataString("ü'\"<script>"), Uri.EscapeDataString(real) + "%20", "-1", "%F0%9F%98%80",
        ]);

        private string Query()
        {
            string name = Pick(["limit", "offset", "after", "status", "workflow", "tag", "createdAfter", "createdBefore", "parent", "all", "Last-Event-ID"]);
            string value = Pick(["-1", "0", "99999999999999999999", "abc", "%FF", "%ED%A0%80", "1e9", "completed", "waitingForInput", "nope", "a:b", ":", "2026-13-45", "true", "", new string('9', 400)]);
            return $"?{name}={value}" + (random.Next(3) == 0 ? $"&{name}={value}" : string.Empty);
        }

        private byte[] Body(string path)
        {
            string valid = path switch
            {
                _ when path.EndsWith("/runs", StringComparison.Ordinal) => """{"title": "Q3", "text": "## A\nEnough words here to pass the review of this section."}""",
                _ when path.EndsWith("/events", StringComparison.Ordinal) => """{"type": "ReviewerDecision", "data": {"approve": true, "comment": "ana"}}""",
                "/api/runs/purge" => """{"workflow": "ReviewFlow", "status": "completed", "finishedBefore": "2020-01-01T00:00:00Z"}""",
                "/api/webhooks" => """{"url": "https://hooks.example.com/x", "events": ["run.completed"], "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}""",
                _ => "{}",
            };

            return random.Next(9) switch
            {
                0 => Encoding.UTF8.GetBytes(valid),
                1 => Damage(Encoding.UTF8.GetBytes(valid)),
                2 => Encoding.UTF8.GetBytes(valid[..random.Next(valid.Length)]),
                3 => Splice(valid, Pick(["\"\\uD800\"", "\"\\uDFFF\\uD800\"", "\"a\\uD83D\"", "\"\\u0000\"", "\"\\uZZZZ\""])),
                4 => SpliceBytes(valid, Pick<byte[]>([[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]])),
                5 => Splice(valid, Pick(["null", "42", "1e999", "-0", "[]", "{}", "true", "\"\"", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", new string('[', 5000), "99999999999999999999999999999"])),
                6 => Encoding.UTF8.GetBytes(Pick(["", " ", "null", "[]", "\"text\"", "{", "}", "{\"type\": 1}", "{\"type\": \"ReviewerDecision\"}", "{\"data\": {}}", "{\"a\":1,\"a\":2}", "<xml/>", "\uFEFF{}"])),
                7 => RandomBytes(),
                _ => Encoding.UTF8.GetBytes(valid.Replace("true", Pick(["\"yes\"", "1", "null", "[true]"]), StringComparison.Ordinal).Replace("\"Q3\"", Pick(["42", "null", "{}", "\"" + new string('x', 20000) + "\""]), StringComparison.Ordinal)),
            };
        }

        private byte[] Damage(byte[] body)
        {
            for (int n = random.Next(1, 4); n > 0 && body.Length > 0; n--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            return body;
        }

        /// <summary>Replaces one JSON value of the valid body (the text after a colon) with another.</summary>
        private byte[] Splice(string valid, string value)
        {
            int colon = valid.IndexOf(':', random.Next(Math.Max(1, valid.Length / 2)));
            if (colon < 0)
            {
                return Encoding.UTF8.GetBytes(value);
            }

            int end = valid.IndexOfAny([',', '}'], colon);
            return Encoding.UTF8.GetBytes(valid[..(colon + 1)] + " " + value + (end < 0 ? "}" : valid[end..]));
        }

        private byte[] SpliceBytes(string valid, byte[] bytes)
        {
            byte[] text = Encoding.UTF8.GetBytes(valid);
            int at = valid.IndexOf('"', random.Next(1, Math.Max(2, valid.Length - 1))) + 1;
            return [.. text[..at], .. bytes, .. text[at..]];
        }

        private byte[] RandomBytes()
        {
            byte[] bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            return bytes;
        }

        private T Pick<T>(T[] options) => options[random.Next(options.Length)];

        private static string Preview(byte[] body) =>
            body.Length > 160 ? Convert.ToHexString(body.AsSpan(0, 80)) + $"… ({body.Length} bytes)" : Encoding.UTF8.GetString(body).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
