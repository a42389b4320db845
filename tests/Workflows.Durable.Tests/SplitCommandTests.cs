using System.Data.Common;
using Microsoft.Data.Sqlite;
using Workflows.Sql;
using Workflows.Sqlite;

namespace Workflows.Durable.Tests;

/// <summary>
/// A command of several statements on a connection that splits them (SQLite's writers): each statement runs as a
/// command of its own, and what the caller reads is what the one command would have given — whether each runs as
/// Microsoft.Data.Sqlite's command (<see cref="Mode.Split"/>) or as the writer's own prepared statement (<see cref="Mode.Prepared"/>).
/// </summary>
public sealed class SplitCommandTests : IDisposable
{
    private const string Batch =
        "INSERT INTO t (a, b) VALUES (@a, 'semi;colon'); SELECT a, b FROM t WHERE a = @a; UPDATE t SET a = @c WHERE a = @a; " +
        "SELECT 'it''s; quoted', @c, \"b\" FROM t WHERE a = @c";

    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-split").FullName;

    /// <summary>How the connection under test runs statements.</summary>
    public enum Mode
    {
        /// <summary>Split, each statement a Microsoft.Data.Sqlite command.</summary>
        Split,

        /// <summary>Split, each statement run by the writer itself (<see cref="SqlitePreparedStatement"/>), and a command of one statement too.</summary>
        Prepared,
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task Every_result_reads_as_the_one_command_s_would(Mode mode)
    {
        List<List<object?[]>> split = await ReadAllAsync(mode, ("a", 1), ("c", 2));
        List<List<object?[]>> whole = await ReadAllAsync(null, ("a", 1), ("c", 2));

        Assert.Equal(2, split.Count);
        Assert.Equal([1L, "semi;colon"], Assert.Single(split[0]));
        Assert.Equal(["it's; quoted", 2L, "semi;colon"], Assert.Single(split[1]));
        Assert.Equal(whole, split);
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task Kept_statements_run_again_with_new_values_and_the_count_of_changed_rows_is_the_whole_command_s(Mode mode)
    {
        await using SqliteConnection connection = await OpenAsync(mode);
        await using SqliteConnection other = await OpenAsync(null, "other.db");
        foreach (int value in new[] { 1, 5 })
        {
            using CachedCommand split = StatementCache.Rent(connection, null, Batch, ("a", value), ("c", value + 1));
            using CachedCommand whole = StatementCache.Rent(other, null, Batch, ("a", value), ("c", value + 1));
            Assert.Equal(await whole.ExecuteNonQueryAsync(default), await split.ExecuteNonQueryAsync(default));
        }

        Assert.Equal([2L, 6L], await ColumnAsync(connection, "SELECT a FROM t ORDER BY a"));
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task Closing_the_reader_after_its_first_result_runs_the_statements_not_reached(Mode mode)
    {
        await using SqliteConnection connection = await OpenAsync(mode);
        using (CachedCommand command = StatementCache.Rent(connection, null, Batch, ("a", 7), ("c", 8)))
        {
            await using DbDataReader reader = await command.ExecuteReaderAsync(default);
            Assert.True(await reader.ReadAsync());
            Assert.Equal(7L, reader.GetInt64(0));
        }

        Assert.Equal([8L], await ColumnAsync(connection, "SELECT a FROM t"));
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task A_statement_that_fails_after_a_result_fails_the_command_instead_of_being_skipped(Mode mode)
    {
        // Microsoft.Data.Sqlite runs the statements left when its reader closes, and drops what they throw; split, each
        // statement is a command of its own, and its error reaches the caller: nothing of a commit goes silently unwritten.
        await using SqliteConnection connection = await OpenAsync(mode);
        using CachedCommand split = StatementCache.Rent(connection, null, Batch, ("a", 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => split.ExecuteNonQueryAsync(default));
        Assert.Equal("Must add values for the following parameters: @c", error.Message);
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task Nothing_after_a_statement_that_failed_runs_when_the_reader_closes(Mode mode)
    {
        await using SqliteConnection connection = await OpenAsync(mode);
        const string failing = "INSERT INTO t (a) VALUES (1); INSERT INTO nowhere (a) VALUES (2); INSERT INTO t (a) VALUES (3)";
        using (CachedCommand command = StatementCache.Rent(connection, null, failing))
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteReaderAsync(default));
            Assert.Contains("no such table: nowhere", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal([1L], await ColumnAsync(connection, "SELECT a FROM t"));
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task Values_of_every_kind_the_journal_binds_read_back_as_one_Microsoft_Data_Sqlite_command_reads_them(Mode mode)
    {
        // A double is no value the writer binds itself: it goes through Microsoft.Data.Sqlite's command, and reads the same.
        const string Insert = "CREATE TABLE IF NOT EXISTS v (n INTEGER, s TEXT, e TEXT, z TEXT, f INTEGER, r REAL, b INTEGER, i INTEGER); " +
            "INSERT INTO v VALUES (@n, @s, @e, @z, @f, @r, @b, @i); SELECT n, s, e, z, f, r, b, i, typeof(e), typeof(z) FROM v";
        (string, object?)[] values = [("n", long.MaxValue), ("s", "héllo ✓ 'quoted'"), ("e", ""), ("z", null), ("f", true), ("r", 2.5), ("b", (byte)7), ("i", -42)];

        List<List<object?[]>> split = await ReadAllAsync(mode, Insert, values);
        List<List<object?[]>> whole = await ReadAllAsync(null, Insert, values);

        Assert.Equal([long.MaxValue, "héllo ✓ 'quoted'", "", DBNull.Value, 1L, 2.5, 7L, -42L, "text", "null"], Assert.Single(Assert.Single(split)));
        Assert.Equal(whole, split);
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task A_RETURNING_read_in_part_runs_to_its_end_as_its_reader_closes_and_counts_every_row(Mode mode)
    {
        await using SqliteConnection connection = await OpenAsync(mode);
        using (CachedCommand insert = StatementCache.Rent(connection, null, "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'x'), (3, 'x')"))
        {
            Assert.Equal(3, await insert.ExecuteNonQueryAsync(default));
        }

        using (CachedCommand update = StatementCache.Rent(connection, null, "UPDATE t SET b = @b RETURNING a", ("b", "y")))
        {
            DbDataReader reader = await update.ExecuteReaderAsync(default);
            Assert.True(await reader.ReadAsync());
            await reader.DisposeAsync();
            Assert.Equal(3, reader.RecordsAffected);
        }

        Assert.Equal(3L, await ScalarAsync(connection, "SELECT COUNT(*) FROM t WHERE b = 'y'"));
    }

    [Theory]
    [InlineData(Mode.Split)]
    [InlineData(Mode.Prepared)]
    public async Task A_constraint_broken_is_SQLite_s_error_and_the_kept_statement_runs_again_after_it(Mode mode)
    {
        await using SqliteConnection connection = await OpenAsync(mode);
        await using (var unique = new SqliteCommand("CREATE UNIQUE INDEX t_a ON t (a)", connection))
        {
            await unique.ExecuteNonQueryAsync();
        }

        const string Insert = "INSERT INTO t (a, b) VALUES (@a, @b) RETURNING a";
        Assert.Equal(1L, await RunScalarAsync(connection, Insert, ("a", 1), ("b", "first")));

        var error = await Assert.ThrowsAsync<SqliteException>(() => RunScalarAsync(connection, Insert, ("a", 1), ("b", "again")));
        Assert.Equal(19, error.SqliteErrorCode);
        Assert.Equal(2067, error.SqliteExtendedErrorCode);
        Assert.Equal("SQLite Error 19: 'UNIQUE constraint failed: t.a'.", error.Message);

        Assert.Equal(2L, await RunScalarAsync(connection, Insert, ("a", 2), ("b", "second")));
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task A_reader_on_no_row_says_so_and_a_NULL_read_as_a_number_is_an_error_naming_its_column()
    {
        await using SqliteConnection connection = await OpenAsync(Mode.Prepared);
        using CachedCommand command = StatementCache.Rent(connection, null, "SELECT NULL AS gone, @a AS a", ("a", 5));
        await using DbDataReader reader = await command.ExecuteReaderAsync(default);

        Assert.Equal("a", reader.GetName(1));
        Assert.Equal(1, reader.GetOrdinal("A"));
        Assert.Throws<InvalidOperationException>(() => reader.GetInt64(1));
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.IsDBNull(0));
        Assert.Equal(5, reader.GetInt32(1));
        var error = Assert.Throws<InvalidCastException>(() => reader.GetInt64(0));
        Assert.Equal("The value of column 0 (gone) is NULL: check IsDBNull before reading it.", error.Message);
        Assert.False(await reader.ReadAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Every result of <see cref="Batch"/>: with <paramref name="mode"/>, or as one Microsoft.Data.Sqlite command (null).</summary>
    private Task<List<List<object?[]>>> ReadAllAsync(Mode? mode, params (string Name, object? Value)[] parameters) => ReadAllAsync(mode, Batch, parameters);

    /// <summary>Every result of <paramref name="sql"/>: with <paramref name="mode"/>, or as one Microsoft.Data.Sqlite command (null).</summary>
    private async Task<List<List<object?[]>>> ReadAllAsync(Mode? mode, string sql, params (string Name, object? Value)[] parameters)
    {
        await using SqliteConnection connection = await OpenAsync(mode, mode is null ? "whole.db" : "split.db");
        using CachedCommand command = StatementCache.Rent(connection, null, sql, parameters);
        await using DbDataReader reader = await command.ExecuteReaderAsync(default);
        var results = new List<List<object?[]>>();
        do
        {
            var rows = new List<object?[]>();
            while (await reader.ReadAsync())
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
                rows.Add(row);
            }

            results.Add(rows);
        }
        while (await reader.NextResultAsync());

        return results;
    }

    /// <summary>A connection whose statements run as <paramref name="mode"/> says, or as given (null).</summary>
    private async Task<SqliteConnection> OpenAsync(Mode? mode, string file = "split.db")
    {
        var connection = new SqliteConnection("Data Source=" + Path.Combine(_directory, file));
        await connection.OpenAsync();
        await using (var create = new SqliteCommand("CREATE TABLE IF NOT EXISTS t (a INTEGER, b TEXT)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        StatementCache.Attach(connection, splits: mode is not null, mode == Mode.Prepared ? sql => new SqlitePreparedStatement(connection, sql) : (Func<string, PreparedStatement?>?)null);
        return connection;
    }

    private static async Task<object?> RunScalarAsync(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using CachedCommand command = StatementCache.Rent(connection, null, sql, parameters);
        return await command.ExecuteScalarAsync(default);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<long>> ColumnAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
