using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Server.Tests;

/// <summary>A real HTTP endpoint on loopback that records each webhook it receives, and can be told to fail the first ones.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The status the next <c>n</c> deliveries get instead of 204.</summary>
    public int FailureStatus { get; set; } = 500;

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        var receiver = new WebhookReceiver(app) { _failuresLeft = failFirst };
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            string body = await reader.ReadToEndAsync();
            receiver._received.Writer.TryWrite(new Received(
                context.Request.Headers["webhook-id"].ToString(),
                context.Request.Headers["webhook-timestamp"].ToString(),
                context.Request.Headers["webhook-signature"].ToString(),
                context.Request.ContentType,
                body));
            return Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? Results.StatusCode(receiver.FailureStatus) : Results.NoContent();
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    /// <summary>The next delivery received, waiting for it.</summary>
    public async Task<Received> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(Api.Limit);

    /// <summary>Deliveries until one has the topic, returning all of them.</summary>
    public async Task<List<Received>> UntilAsync(string topic)
    {
        var all = new List<Received>();
        while (true)
        {
            Received next = await NextAsync();
            all.Add(next);
            if (next.Body.Contains($"\"type\":\"{topic}\"", StringComparison.Ordinal))
            {
                return all;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One delivery as it arrived.</summary>
    internal sealed record Received(string Id, string Timestamp, string Signature, string? ContentType, string Body);
}
