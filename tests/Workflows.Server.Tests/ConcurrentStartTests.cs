using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Server.Tests;

/// <summary>Many simultaneous starts with one Idempotency-Key: one run, one 201, the rest replays — never a 500. On each store.</summary>
public abstract class ConcurrentStartContract
{
    private protected abstract Task<ServerHost> NewServerAsync();

    private protected abstract Type StoreType { get; }

    [Fact]
    public async Task Simultaneous_requests_with_one_idempotency_key_start_one_run_and_replay_it_to_the_others()
    {
        await using ServerHost server = await NewServerAsync();
        using HttpClient client = server.Client();
        Assert.IsType(StoreType, server.Services.GetRequiredService<Durable.IWorkflowStore>());

        // Warm the server up first, so the requests below really arrive together.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workflows")).StatusCode);
        using var go = new ManualResetEventSlim();
        Task<HttpResponseMessage>[] starts = [.. Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/ReviewFlow/runs") { Content = JsonContent.Create(new { title = "Q3", text = Api.Report }) };
            request.Headers.Add("Idempotency-Key", "order-race");
            go.Wait();
            return await client.SendAsync(request);
        }))];
        go.Set();
        HttpResponseMessage[] responses = await Task.WhenAll(starts).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.OK), r => Assert.Equal("true", r.Headers.GetValues("Idempotent-Replayed").Single()));
        string[] runIds = await Task.WhenAll(responses.Select(async r => (string)(await r.ReadAsync())["runId"]!));
        Assert.Single(runIds.Distinct());
        Assert.Equal(1, (await server.Runtime.ListRunsAsync(new Durable.RunQuery())).Total);
    }
}

public sealed class SqliteConcurrentStartTests : ConcurrentStartContract
{
    private protected override Type StoreType => typeof(Sqlite.SqliteWorkflowStore);

    private protected override Task<ServerHost> NewServerAsync() => Task.FromResult(new ServerHost());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrentStartTests(PostgresServer postgres) : ConcurrentStartContract
{
    private protected override Type StoreType => typeof(Postgres.PostgresWorkflowStore);

    private protected override async Task<ServerHost> NewServerAsync()
    {
        string connection = await postgres.CreateDatabaseAsync();
        return new ServerHost(settings => settings["ConnectionStrings:Postgres"] = connection);
    }
}
