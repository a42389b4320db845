using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable;
using Workflows.Server.Webhooks.Store;
using Workflows.Sql;

namespace Workflows.Server.Webhooks;

/// <summary>
/// Where the server keeps webhooks: beside the runs, in the SQL store that <c>UseSqlite</c> or
/// <c>UsePostgres</c> registered. A store of another kind keeps none, and the server says so.
/// </summary>
internal sealed class WebhookOutbox
{
    public WebhookOutbox(IServiceProvider services, TimeProvider time)
    {
        if (services.GetService<SqlWorkflowStore>() is { } sql)
        {
            Store = new SqlWebhookStore(sql, time);
            Unsupported = string.Empty;
        }
        else
        {
            string kind = services.GetService<IWorkflowStore>()?.GetType().Name ?? "none";
            Unsupported = $"The workflow store ({kind}) does not keep webhooks; use the SQLite or PostgreSQL store (UseSqlite, UsePostgres).";
        }
    }

    /// <summary>The outbox, or <see langword="null"/> when the store cannot keep one.</summary>
    public IWebhookStore? Store { get; }

    /// <summary>Why there is no outbox.</summary>
    public string Unsupported { get; }
}
