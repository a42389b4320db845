using System.Text.Json.Serialization;
using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Server.Webhooks.Store;
using Workflows.Sql;
using Workflows.Sqlite;

namespace Workflows.Server.Tests;

/// <summary>A run store for one outbox test — a SQLite file in a temp directory, or a fresh PostgreSQL database — and a runtime over it.</summary>
internal sealed class OutboxStore : IDisposable
{
    private readonly string? _postgres;

    public OutboxStore(string postgres)
        : this()
    {
        _postgres = postgres;
    }

    public OutboxStore()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-outbox-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "runs.db");
    }

    public string Directory { get; }

    public string Path { get; }

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The outbox the server keeps in this runtime's store.</summary>
    public static IWebhookStore Webhooks(WorkflowRuntime runtime) => new SqlWebhookStore((SqlWorkflowStore)runtime.Store, TimeProvider.System);

    public async Task<WorkflowRuntime> StartRuntimeAsync()
    {
        IWorkflowStore store = _postgres is null ? new SqliteWorkflowStore(Path) : new PostgresWorkflowStore(_postgres);
        WorkflowRuntime runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) })
            .Register(() => new OutboxFlow(), OutboxJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still holds the file; the temp directory is cleaned by the OS.
        }
    }
}

public sealed record Ping(string Text) : StartEvent;
public sealed record Question(string Text) : InputRequiredEvent;
public sealed record Reply(string Text) : HumanResponseEvent;
public sealed record Pong(string Text) : StopEvent;

/// <summary>Asks, then answers: a run that changes status a few times.</summary>
[Workflow]
public partial class OutboxFlow
{
    [Step]
    public static Question Ask(Ping ping) => new(ping.Text);

    [Step]
    public static Pong Answer(Reply reply) => new(reply.Text);
}

[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(Question))]
[JsonSerializable(typeof(Reply))]
[JsonSerializable(typeof(Pong))]
public sealed partial class OutboxJson : JsonSerializerContext;
