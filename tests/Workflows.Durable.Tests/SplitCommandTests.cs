using System.Data.Common;
using Microsoft.Data.Sqlite;
using Workflows.Sql;

namespace Workflows.Durable.Tests;

/// <summary>
/// A command of several statements on a connection that splits them (SQLite's writers): each statement runs as a
/// command of its own, and what the caller reads is what the one command would have given.
/// </summary>
public sealed class SplitCommandTests : IDisposable
{
    private const string Batch =
        "INSERT INTO t (a, b) VALUES (@a, 'semi;colon'); SELECT a, b FROM t WHERE a = @a; UPDATE t SET a = @c WHERE a = @a; " +
        "SELECT 'it''s; quoted', @c, \"b\" FROM t WHERE a = @c";

    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-split").FullName;

    [Fact]
    public async Task Every_result_reads_as_the_one_command_s_would()
    {
        List<List<object?[]>> split = await ReadAllAsync(splits: true, ("a", 1), ("c", 2));
        List<List<object?[]>> whole = await ReadAllAsync(splits: false, ("a", 1), ("c", 2));

        Assert.Equal(2, split.Count);
        Assert.Equal([1L, "semi;colon"], Assert.Single(split[0]));
        Assert.Equal(["it's; quoted", 2L, "semi;colon"], Assert.Single(split[1]));
        Assert.Equal(whole, split);
    }

    [Fact]
    public async Task Kept_statements_run_again_with_new_values_and_the_count_of_changed_rows_is_the_whole_command_s()
    {
        await using SqliteConnection connection = await OpenAsync(splits: true);
        await using SqliteConnection other = await OpenAsync(splits: false, "other.db");
        foreach (int value in new[] { 1, 5 })
        {
            using CachedCommand split = StatementCache.Rent(connection, null, Batch, ("a", value), ("c", value + 1));
            using CachedCommand whole = StatementCache.Rent(other, null, Batch, ("a", value), ("c", value + 1));
            Assert.Equal(await whole.ExecuteNonQueryAsync(default), await split.ExecuteNonQueryAsync(default));
        }

        Assert.Equal([2L, 6L], await ColumnAsync(connection, "SELECT a FROM t ORDER BY a"));
    }

    [Fact]
    public async Task Closing_the_reader_after_its_first_result_runs_the_statements_not_reached()
    {
        await using SqliteConnection connection = await OpenAsync(splits: true);
        using (CachedCommand command = StatementCache.Rent(connection, null, Batch, ("a", 7), ("c", 8)))
        {
            await using DbDataReader reader = await command.ExecuteReaderAsync(default);
            Assert.True(await reader.ReadAsync());
            Assert.Equal(7L, reader.GetInt64(0));
        }

        Assert.Equal([8L], await ColumnAsync(connection, "SELECT a FROM t"));
    }

    [Fact]
    public async Task A_statement_that_fails_after_a_result_fails_the_command_instead_of_being_skipped()
    {
        // Microsoft.Data.Sqlite runs the statements left when its reader closes, and drops what they throw; split, each
        // statement is a command of its own, and its error reaches the caller: nothing of a commit goes silently unwritten.
        await using SqliteConnection connection = await OpenAsync(splits: true);
        using CachedCommand split = StatementCache.Rent(connection, null, Batch, ("a", 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => split.ExecuteNonQueryAsync(default));
        Assert.Equal("Must add values for the following parameters: @c", error.Message);
    }

    [Fact]
    public async Task Nothing_after_a_statement_that_failed_runs_when_the_reader_closes()
    {
        await using SqliteConnection connection = await OpenAsync(splits: true);
        const string failing = "INSERT INTO t (a) VALUES (1); INSERT INTO nowhere (a) VALUES (2); INSERT INTO t (a) VALUES (3)";
        using (CachedCommand command = StatementCache.Rent(connection, null, failing))
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteReaderAsync(default));
            Assert.Contains("no such table: nowhere", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal([1L], await ColumnAsync(connection, "SELECT a FROM t"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<List<List<object?[]>>> ReadAllAsync(bool splits, params (string Name, object? Value)[] parameters)
    {
        await using SqliteConnection connection = await OpenAsync(splits, splits ? "split.db" : "whole.db");
        using CachedCommand command = StatementCache.Rent(connection, null, Batch, parameters);
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

    private async Task<SqliteConnection> OpenAsync(bool splits, string file = "split.db")
    {
        var connection = new SqliteConnection("Data Source=" + Path.Combine(_directory, file));
        await connection.OpenAsync();
        await using (var create = new SqliteCommand("CREATE TABLE IF NOT EXISTS t (a INTEGER, b TEXT)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        StatementCache.Attach(connection, splits);
        return connection;
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
