using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: creating, checking and upgrading the schema.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>Creates the schema in an empty database and marks it as a Workflows store.</summary>
    public async Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (IReadOnlyList<string> version in Dialect.Schema)
        {
            foreach (string statement in version)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO wf_meta (key, value) VALUES ('schema', 'workflows'), ('version', @v)", cancellationToken, ("v", Text(SqlDialect.SchemaVersion))).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the database is a Workflows store this build can read, with the tables its version
    /// has, and returns that version (older ones are upgraded by <see cref="UpgradeSchemaAsync"/>).
    /// </summary>
    public static async Task<int> VerifySchemaAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> tables, string where, CancellationToken cancellationToken)
    {
        if (!tables.Contains("wf_meta"))
        {
            throw new WorkflowStoreException(
                $"{where} is not a Workflows store: it has tables ({string.Join(", ", tables.Order())}) but no wf_meta. Workflows does not write into another application's database; use an empty one.");
        }

        (string? schema, string? text) = await ReadMetaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (schema != "workflows")
        {
            throw new WorkflowStoreException($"{where} has a wf_meta table that does not say it is a Workflows store (schema = '{schema}').");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new WorkflowStoreException($"{where} is a Workflows store whose schema version '{text}' cannot be read; it was damaged or altered. Restore it from a backup.");
        }

        if (version > SqlDialect.SchemaVersion)
        {
            throw new WorkflowStoreException($"{where} is a Workflows store of schema version {version}, written by a newer build; this build reads versions up to {SqlDialect.SchemaVersion}. Nothing was changed.");
        }

        foreach (string table in SqlDialect.TablesByVersion.Take(version).SelectMany(t => t))
        {
            if (!tables.Contains(table))
            {
                throw new WorkflowStoreException($"{where} is a Workflows store but its table {table} is missing; it was damaged or altered. Restore it from a backup.");
            }
        }

        return version;
    }

    /// <summary>
    /// Brings a store of an older schema version to this build's, in the caller's transaction. The
    /// version is read again inside the transaction, so two processes upgrading at once upgrade once.
    /// </summary>
    public async Task UpgradeSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        (_, string? text) = await ReadMetaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        int version = int.Parse(text!, NumberStyles.None, CultureInfo.InvariantCulture);
        for (; version < SqlDialect.SchemaVersion; version++)
        {
            foreach (string statement in Dialect.Schema[version])
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, transaction, "UPDATE wf_meta SET value = @v WHERE key = 'version'", cancellationToken, ("v", Text(SqlDialect.SchemaVersion))).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates or upgrades the tables of a module that keeps them beside the journal (webhooks, say),
    /// versioned on their own in <c>wf_meta</c>; in the caller's transaction, taking turns with other
    /// processes doing the same.
    /// </summary>
    public async Task EnsureModuleSchemaAsync(DbConnection connection, DbTransaction transaction, string module, IReadOnlyList<IReadOnlyList<string>> steps, string where, CancellationToken cancellationToken)
    {
        if (Dialect.SchemaLock is { } schemaLock)
        {
            await ExecuteAsync(connection, transaction, schemaLock, cancellationToken).ConfigureAwait(false);
        }

        string key = $"module:{module}:version";
        int version = 0;
        using (CachedCommand read = Command(connection, transaction, "SELECT value FROM wf_meta WHERE key = @k", ("k", key)))
        {
            if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string text &&
                !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version))
            {
                throw new WorkflowStoreException($"{where} has tables of module '{module}' whose version '{text}' cannot be read; the store was damaged or altered.");
            }
        }

        if (version > steps.Count)
        {
            throw new WorkflowStoreException($"{where} has the tables of module '{module}' at version {version}, written by a newer build; this build knows versions up to {steps.Count}. Nothing was changed.");
        }

        if (version == steps.Count)
        {
            return;
        }

        for (; version < steps.Count; version++)
        {
            foreach (string statement in steps[version])
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM wf_meta WHERE key = @k", cancellationToken, ("k", key)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO wf_meta (key, value) VALUES (@k, @v)", cancellationToken, ("k", key), ("v", Text(steps.Count))).ConfigureAwait(false);
    }

    private static async Task<(string? Schema, string? Version)> ReadMetaAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        string? schema = null;
        string? version = null;
        using CachedCommand command = Command(connection, transaction, "SELECT key, value FROM wf_meta");
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (reader.GetString(0))
            {
                case "schema": schema = reader.GetString(1); break;
                case "version": version = reader.GetString(1); break;
            }
        }

        return (schema, version);
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
