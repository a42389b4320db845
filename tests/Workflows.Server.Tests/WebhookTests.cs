using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Server.Webhooks;

namespace Workflows.Server.Tests;

/// <summary>Webhooks: signed deliveries to a real loopback receiver, retries, the delivery log, restarts, and SSRF refusals.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task A_run_change_arrives_signed_and_the_signature_checks_out()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using var server = new ServerHost();
        HttpClient client = server.Client();
        JsonNode subscription = await CreateAsync(client, new { url = receiver.Url.ToString(), events = new[] { "run.*" }, description = "ops" });
        string secret = (string)subscription["secret"]!;

        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");
        await client.DecideAsync(runId, approve: true);
        List<WebhookReceiver.Received> deliveries = await receiver.UntilAsync("run.completed");

        Assert.Equal(["run.started", "run.waiting", "run.resumed", "run.completed"], deliveries.Select(d => (string?)JsonNode.Parse(d.Body)!["type"]));
        foreach (WebhookReceiver.Received delivery in deliveries)
        {
            Assert.Equal("application/json", delivery.ContentType?.Split(';')[0]);
            Assert.True(WebhookSignature.Verify(secret, delivery.Id, delivery.Timestamp, delivery.Body, delivery.Signature, TimeSpan.FromMinutes(5)));

            // The same check by hand, as a receiver in another language would: HMAC-SHA256 over "id.timestamp.body".
            byte[] key = Convert.FromBase64String(secret["whsec_".Length..]);
            string expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{delivery.Id}.{delivery.Timestamp}.{delivery.Body}")));
            Assert.Equal(expected, delivery.Signature);
            Assert.False(WebhookSignature.Verify(secret, delivery.Id, delivery.Timestamp, delivery.Body.Replace("ReviewFlow", "ReviewFlou", StringComparison.Ordinal), delivery.Signature, TimeSpan.FromMinutes(5)));
        }

        JsonNode completed = JsonNode.Parse(deliveries[^1].Body)!;
        Assert.Equal((runId, "ReviewFlow", "completed", "running"), ((string?)completed["data"]!["runId"], (string?)completed["data"]!["workflow"], (string?)completed["data"]!["status"], (string?)completed["data"]!["previousStatus"]));
        Assert.Equal("published, approved by tester", (string?)completed["data"]!["result"]!["outcome"]);
        JsonNode waiting = JsonNode.Parse(deliveries[1].Body)!;
        Assert.Equal("Results: still says TODO", (string?)waiting["data"]!["task"]?["prompt"]?["payload"]?["findings"]?[0]);

        // The receiver has the last body before the dispatcher has recorded its answer.
        JsonNode log = await WaitForLogAsync(client, (string)subscription["id"]!, l => l.All(d => (string?)d!["status"] == "delivered"));
        Assert.All(log["deliveries"]!.AsArray(), d => Assert.Equal(("delivered", 1, 204), ((string?)d!["status"], (int)d["attempts"]!, (int)d["lastStatusCode"]!)));
        Assert.Equal(deliveries.Select(d => d.Id).Reverse(), log["deliveries"]!.AsArray().Select(d => (string?)d!["messageId"]));
    }

    [Fact]
    public async Task An_old_or_forged_delivery_does_not_verify()
    {
        string secret = WebhookSignature.NewSecret();
        DateTimeOffset sent = DateTimeOffset.UtcNow.AddMinutes(-10);
        string signature = WebhookSignature.Sign(secret, "msg_1", sent, "{}");

        Assert.True(WebhookSignature.Verify(secret, "msg_1", WebhookSignature.Seconds(sent), "{}", signature, TimeSpan.FromMinutes(15)));
        Assert.False(WebhookSignature.Verify(secret, "msg_1", WebhookSignature.Seconds(sent), "{}", signature, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), "msg_1", WebhookSignature.Seconds(sent), "{}", signature, TimeSpan.FromMinutes(15)));
        Assert.False(WebhookSignature.Verify(secret, "msg_2", WebhookSignature.Seconds(sent), "{}", signature, TimeSpan.FromMinutes(15)));
        Assert.True(WebhookSignature.Verify(secret, "msg_1", WebhookSignature.Seconds(sent), "{}", "v1,bm90IGl0 " + signature, TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_backoff_and_every_attempt_is_logged()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var server = new ServerHost();
        HttpClient client = server.Client();
        JsonNode subscription = await CreateAsync(client, new { url = receiver.Url.ToString(), events = new[] { "run.completed" } });

        string runId = await client.StartAsync(Api.CleanReport);
        WebhookReceiver.Received first = await receiver.NextAsync();
        WebhookReceiver.Received second = await receiver.NextAsync();
        WebhookReceiver.Received third = await receiver.NextAsync();

        Assert.Equal([first.Id, first.Id], new[] { second.Id, third.Id });
        Assert.Equal(first.Body, third.Body);
        JsonNode delivery = await WaitForDeliveryAsync(client, (string)subscription["id"]!, "delivered");
        Assert.Equal((runId, "run.completed", 3), ((string?)delivery["runId"], (string?)delivery["topic"], (int)delivery["attempts"]!));
        Assert.Equal([500, 500, 204], delivery["attemptLog"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        Assert.Equal("the receiver answered 500 Internal Server Error", (string?)delivery["attemptLog"]![0]!["error"]);
    }

    [Fact]
    public async Task A_receiver_that_answers_410_Gone_is_unsubscribed()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        receiver.FailureStatus = 410;
        await using var server = new ServerHost();
        HttpClient client = server.Client();
        JsonNode subscription = await CreateAsync(client, new { url = receiver.Url.ToString(), events = new[] { "run.completed" } });

        await client.StartAsync(Api.CleanReport);
        JsonNode delivery = await WaitForDeliveryAsync(client, (string)subscription["id"]!, "failed");

        Assert.Equal("the receiver answered 410 Gone", (string?)delivery["lastError"]);
        Assert.False((bool)(await (await client.GetAsync($"/api/webhooks/{subscription["id"]}")).ReadAsync())["enabled"]!);
    }

    [Fact]
    public async Task Deliveries_wait_in_the_store_across_a_restart_until_the_receiver_is_back()
    {
        int port;
        await using (WebhookReceiver probe = await WebhookReceiver.StartAsync())
        {
            port = probe.Url.Port;
        }

        string directory = Path.Combine(Path.GetTempPath(), "workflows-server-tests", Guid.NewGuid().ToString("N"));
        string subscriptionId;
        string runId;
        var first = new ServerHost(directory: directory);
        try
        {
            HttpClient client = first.Client();
            subscriptionId = (string)(await CreateAsync(client, new { url = $"http://127.0.0.1:{port}/hook", events = new[] { "run.completed" } }))["id"]!;
            runId = await client.StartAsync(Api.CleanReport);
            JsonNode pending = await WaitForDeliveryAsync(client, subscriptionId, "pending", minimumAttempts: 1);
            Assert.StartsWith("could not connect:", (string?)pending["lastError"], StringComparison.Ordinal);
        }
        finally
        {
            await first.DisposeWithoutDeletingAsync();
        }

        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(port: port);
        await using var second = new ServerHost(directory: directory);
        second.StartServer(); // a factory starts lazily; nothing else would start it before the wait below
        WebhookReceiver.Received received = await receiver.NextAsync();

        Assert.Equal(runId, (string?)JsonNode.Parse(received.Body)!["data"]!["runId"]);
        JsonNode delivered = await WaitForDeliveryAsync(second.Client(), subscriptionId, "delivered");
        Assert.True((int)delivered["attempts"]! >= 2);
    }

    [Theory]
    [InlineData("http://10.1.2.3/hook", "10.1.2.3 is a private address; webhooks may only call public addresses, unless the network is allow-listed (Workflows:Server:Webhooks:AllowedNetworks).")]
    [InlineData("https://192.168.1.20/hook", "192.168.1.20 is a private address")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254 is a cloud metadata address")]
    [InlineData("https://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address")]
    [InlineData("https://[::1]:8080/hook", "::1 is a loopback address")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "is a private address")]
    [InlineData("https://localhost:5080/hook", "'localhost' resolves to")]
    [InlineData("https://100.64.0.1/hook", "100.64.0.1 is a shared (carrier-grade NAT) address")]
    [InlineData("http://93.184.215.14/hook", "'url' must use https: plain http is accepted only for hosts in an allow-listed network")]
    [InlineData("ftp://93.184.215.14/hook", "'url' must use https (or http inside an allow-listed network), not 'ftp'.")]
    [InlineData("https://user:pass@93.184.215.14/hook", "'url' must not carry credentials")]
    [InlineData("/relative/hook", "'url' must be an absolute http(s) URL")]
    public async Task A_url_inside_the_network_is_refused_with_the_reason(string url, string reason)
    {
        await using var server = new ServerHost(s => s.Remove("Workflows:Server:Webhooks:AllowedNetworks:0"));
        HttpClient client = server.Client();

        HttpResponseMessage response = await client.PostAsJsonAsync("/api/webhooks", new { url });

        await response.AssertProblemAsync(422, "webhook_url_refused", reason);
        Assert.Empty((await (await client.GetAsync("/api/webhooks")).ReadAsync()).AsArray());
    }

    [Fact]
    public async Task Subscriptions_are_checked_listed_and_deleted_with_their_log()
    {
        await using var server = new ServerHost();
        HttpClient client = server.Client();

        await (await client.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h", events = new[] { "run.exploded" } }))
            .AssertProblemAsync(422, "unknown_topic", "'run.exploded' is not a topic. Topics: run.queued, run.started, run.waiting, run.suspended, run.resumed, run.completed, run.failed, run.cancelled, run.timed_out, task.created, task.assigned, task.overdue, task.completed, or run.*, task.* and * for all.");
        await (await client.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h", workflow = "Other" }))
            .AssertProblemAsync(422, "unknown_workflow", "No workflow named 'Other' is registered here.");
        await (await client.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h", secret = "hunter2" }))
            .AssertProblemAsync(422, "bad_secret", "'secret' must be 'whsec_' followed by 24 to 64 random bytes in base64");
        await (await client.PostAsync("/api/webhooks", Api.Json("""{"url": 5}""")))
            .AssertProblemAsync(400, "malformed_json", "The body is not a valid webhook subscription at $.url");

        HttpResponseMessage created = await client.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h", workflow = "ReviewFlow", events = new[] { "run.failed", "run.completed" } });
        JsonNode subscription = await created.ReadAsync();
        string id = (string)subscription["id"]!;
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/webhooks/{id}", created.Headers.Location?.OriginalString);
        Assert.StartsWith("whsec_", (string?)subscription["secret"], StringComparison.Ordinal);
        JsonNode listed = Assert.Single((await (await client.GetAsync("/api/webhooks")).ReadAsync()).AsArray())!;
        Assert.Null(listed["secret"]);
        Assert.Equal(["run.failed", "run.completed"], listed["events"]!.AsArray().Select(e => (string?)e));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        await (await client.DeleteAsync($"/api/webhooks/{id}")).AssertProblemAsync(404, "webhook_not_found", $"No webhook subscription has the id '{id}'.");
        await (await client.GetAsync($"/api/webhooks/{id}/deliveries")).AssertProblemAsync(404, "webhook_not_found", id);
    }

    [Fact]
    public async Task A_subscription_gets_only_its_topics()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using var server = new ServerHost();
        HttpClient client = server.Client();
        await CreateAsync(client, new { url = receiver.Url.ToString(), events = new[] { "run.waiting", "run.cancelled" } });

        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");
        await client.PostAsync($"/api/runs/{runId}/cancel", null);

        Assert.Equal("run.waiting", (string?)JsonNode.Parse((await receiver.NextAsync()).Body)!["type"]);
        Assert.Equal("run.cancelled", (string?)JsonNode.Parse((await receiver.NextAsync()).Body)!["type"]);
    }

    private static async Task<JsonNode> CreateAsync(HttpClient client, object body)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/webhooks", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync();
    }

    private static async Task<JsonNode> WaitForDeliveryAsync(HttpClient client, string subscriptionId, string status, int minimumAttempts = 0)
    {
        bool Matches(JsonNode? d) => (string?)d!["status"] == status && (int)d["attempts"]! >= minimumAttempts;
        JsonNode log = await WaitForLogAsync(client, subscriptionId, l => l.Any(Matches), $"no delivery became {status}");
        return log["deliveries"]!.AsArray().First(Matches)!;
    }

    private static async Task<JsonNode> WaitForLogAsync(HttpClient client, string subscriptionId, Func<JsonArray, bool> done, string what = "the delivery log never settled")
    {
        DateTime deadline = DateTime.UtcNow + Api.Limit;
        while (true)
        {
            JsonNode log = await (await client.GetAsync($"/api/webhooks/{subscriptionId}/deliveries")).ReadAsync();
            if (done(log["deliveries"]!.AsArray()))
            {
                return log;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what}: {log.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
