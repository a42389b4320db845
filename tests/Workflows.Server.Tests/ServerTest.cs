namespace Workflows.Server.Tests;

/// <summary>A test class whose every test gets a server of its own, and a client with the test key.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    private HttpClient? _client;

    private protected ServerTest(Action<Dictionary<string, string?>>? settings = null) => Server = new ServerHost(settings);

    private protected ServerHost Server { get; }

    private protected HttpClient Client => _client ??= Server.Client();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
