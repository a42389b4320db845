using System.Data.Common;

using Microsoft.Data.Sqlite;

using SQLitePCL;

using Workflows.Sql;

namespace Workflows.Sqlite;

/// <summary>
/// One statement the writer keeps prepared on its connection and runs through SQLite's own calls: bound by
/// position, read by <see cref="SqlitePreparedReader"/>, with nothing made per run.
/// </summary>
/// <remarks>
/// A commit's statements are small, and Microsoft.Data.Sqlite's command costs about as much as SQLite's work on
/// one: a reader, a binder per value, each parameter's name looked up again in UTF-8 on every run. What it binds
/// and reads here is what that command would: integers and text only (anything else goes through the command),
/// <see cref="SqliteException"/> for SQLite's errors, a <c>RETURNING</c> run to its end as its reader closes.
/// </remarks>
internal sealed class SqlitePreparedStatement(SqliteConnection connection, string sql) : PreparedStatement
{
    private sqlite3? _db;
    private sqlite3_stmt? _statement;

    /// <summary>Each parameter's name (without its <c>@</c>) at its position, from 1 (0 unused).</summary>
    private string[] _slots = [];

    /// <summary>The names given last time, in order, and where each goes: a statement is given the same names each run.</summary>
    private string[] _lastNames = [];
    private int[] _lastSlots = [];

    private SqlitePreparedReader? _reader;

    /// <inheritdoc/>
    /// <remarks>Integers, booleans (0 or 1) and text bind here exactly as Microsoft.Data.Sqlite binds them.</remarks>
    public override bool CanBind(object? value) => value is null or DBNull or string or long or int or short or byte or bool;

    /// <inheritdoc/>
    public override DbDataReader Execute(StatementValues values)
    {
        sqlite3_stmt statement = _statement ?? Prepare();
        if (_reader is { IsClosed: false })
        {
            throw new InvalidOperationException($"The statement '{sql}' is still being read.");
        }

        Bind(statement, values);
        int rc = raw.sqlite3_step(statement);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            Fail(rc);
        }

        _reader ??= new SqlitePreparedReader(this, statement);
        _reader.Start(rc == raw.SQLITE_ROW);
        return _reader;
    }

    /// <summary>The rows the statement changed once done, as Microsoft.Data.Sqlite counts them: -1 for one that writes nothing.</summary>
    internal int Changes() => ReadOnly ? -1 : raw.sqlite3_changes(_db);

    /// <summary>Whether the statement writes nothing (a SELECT, or a savepoint's), known once it is prepared.</summary>
    internal bool ReadOnly { get; private set; }

    /// <summary>Throws SQLite's error as Microsoft.Data.Sqlite would, leaving the statement ready to run again.</summary>
    internal void Fail(int rc)
    {
        try
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_statement is { } statement)
        {
            _statement = null;
            raw.sqlite3_finalize(statement);
        }
    }

    private sqlite3_stmt Prepare()
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's SQLite connection is not open.");
        int rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out sqlite3_stmt statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        int count = raw.sqlite3_bind_parameter_count(statement);
        _slots = new string[count + 1];
        for (int slot = 1; slot <= count; slot++)
        {
            string marked = raw.sqlite3_bind_parameter_name(statement, slot).utf8_to_string() ?? string.Empty;
            _slots[slot] = marked.Length > 0 && marked[0] is '@' or '$' or ':' ? marked[1..] : marked;
        }

        ReadOnly = raw.sqlite3_stmt_readonly(statement) != 0;
        _statement = statement;
        return statement;
    }

    private void Bind(sqlite3_stmt statement, StatementValues values)
    {
        if (!SameNames(values))
        {
            Place(values);
        }

        if (values.Count != _slots.Length - 1)
        {
            // Microsoft.Data.Sqlite's words, so a missing value reads the same whichever runs the statement.
            string[] missing = [.. _slots.Skip(1).Where(name => !Given(values, name)).Select(name => "@" + name)];
            throw new InvalidOperationException($"Must add values for the following parameters: {string.Join(", ", missing)}");
        }

        for (int i = 0; i < values.Count; i++)
        {
            int slot = _lastSlots[i];
            int rc = values[i].Value switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, slot),
                string text => raw.sqlite3_bind_text16(statement, slot, text.AsSpan()),
                long number => raw.sqlite3_bind_int64(statement, slot, number),
                int number => raw.sqlite3_bind_int64(statement, slot, number),
                short number => raw.sqlite3_bind_int64(statement, slot, number),
                byte number => raw.sqlite3_bind_int64(statement, slot, number),
                bool flag => raw.sqlite3_bind_int64(statement, slot, flag ? 1 : 0),
                { } other => throw new InvalidOperationException($"A {other.GetType()} cannot be bound by the prepared statement '{sql}' (CanBind said so)."),
            };

            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
    }

    private bool SameNames(StatementValues values)
    {
        if (values.Count != _lastNames.Length)
        {
            return false;
        }

        for (int i = 0; i < values.Count; i++)
        {
            string name = values[i].Name;
            if (!ReferenceEquals(name, _lastNames[i]) && name != _lastNames[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds where each given name goes; a name the statement does not use is an error, as it would be a mistake in the journal.</summary>
    private void Place(StatementValues values)
    {
        var names = new string[values.Count];
        var slots = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            names[i] = values[i].Name;
            slots[i] = Array.IndexOf(_slots, names[i], 1);
            if (slots[i] < 1)
            {
                throw new InvalidOperationException($"The statement '{sql}' has no parameter @{names[i]}.");
            }
        }

        _lastNames = names;
        _lastSlots = slots;
    }

    private static bool Given(StatementValues values, string name)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
