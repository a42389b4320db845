using System.Collections;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Workflows.Sql;

/// <summary>
/// The results of a <see cref="SplitCommand"/>, read as Microsoft.Data.Sqlite reads those of one command of
/// several statements: a statement with no columns runs without a result of its own, each other one is the
/// next result, and closing the reader runs the statements not reached yet.
/// </summary>
internal sealed class SplitReader : DbDataReader
{
    private readonly SplitCommand _command;
    private int _next;
    private DbDataReader? _current;
    private CachedCommand _currentCommand;
    private int _recordsAffected = -1;
    private bool _closed;

    private SplitReader(SplitCommand command) => _command = command;

    /// <summary>Runs the statements up to the first with columns, the reader's first result.</summary>
    public static SplitReader Start(SplitCommand command)
    {
        var reader = new SplitReader(command);
        try
        {
            reader.Advance();
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        return reader;
    }

    private DbDataReader Current => _current ?? throw new InvalidOperationException("The reader has no current result.");

    /// <summary>Ends the current result, then runs statements until one has columns; false if none was left.</summary>
    private bool Advance()
    {
        EndCurrent();
        while (_next < _command.Count)
        {
            CachedCommand command = _command.Rent(_next++);
            DbDataReader reader;
            try
            {
                reader = command.ExecuteReader();
            }
            catch
            {
                // Nothing after a statement that failed runs, not even as the reader closes.
                _next = _command.Count;
                command.Dispose();
                throw;
            }

            if (reader.FieldCount > 0)
            {
                _current = reader;
                _currentCommand = command;
                return true;
            }

            reader.Dispose();
            command.Dispose();
            Count(reader.RecordsAffected);
        }

        return false;
    }

    private void EndCurrent()
    {
        if (_current is not { } current)
        {
            return;
        }

        _current = null;
        try
        {
            // Microsoft.Data.Sqlite runs the rest of the statement (a RETURNING not read to its end) as it closes.
            current.Dispose();
            Count(current.RecordsAffected);
        }
        catch
        {
            _next = _command.Count;
            throw;
        }
        finally
        {
            _currentCommand.Dispose();
            _currentCommand = default;
        }
    }

    private void Count(int affected)
    {
        if (affected >= 0)
        {
            _recordsAffected = Math.Max(_recordsAffected, 0) + affected;
        }
    }

    public override bool NextResult() => !_closed && Advance();

    public override bool Read()
    {
        try
        {
            return _current is { } current && current.Read();
        }
        catch
        {
            // A statement that fails while read (a RETURNING's later row) stops the rest, as when it fails to start.
            _next = _command.Count;
            throw;
        }
    }

    public override void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        while (Advance())
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    public override int FieldCount => _current?.FieldCount ?? 0;

    public override bool HasRows => _current?.HasRows ?? false;

    public override bool IsClosed => _closed;

    public override int RecordsAffected => _recordsAffected;

    public override int Depth => 0;

    public override object this[int ordinal] => Current[ordinal];

    public override object this[string name] => Current[name];

    public override bool GetBoolean(int ordinal) => Current.GetBoolean(ordinal);

    public override byte GetByte(int ordinal) => Current.GetByte(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => Current.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);

    public override char GetChar(int ordinal) => Current.GetChar(ordinal);

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => Current.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);

    public override string GetDataTypeName(int ordinal) => Current.GetDataTypeName(ordinal);

    public override DateTime GetDateTime(int ordinal) => Current.GetDateTime(ordinal);

    public override decimal GetDecimal(int ordinal) => Current.GetDecimal(ordinal);

    public override double GetDouble(int ordinal) => Current.GetDouble(ordinal);

    [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
    public override Type GetFieldType(int ordinal) => Current.GetFieldType(ordinal);

    public override T GetFieldValue<T>(int ordinal) => Current.GetFieldValue<T>(ordinal);

    public override float GetFloat(int ordinal) => Current.GetFloat(ordinal);

    public override Guid GetGuid(int ordinal) => Current.GetGuid(ordinal);

    public override short GetInt16(int ordinal) => Current.GetInt16(ordinal);

    public override int GetInt32(int ordinal) => Current.GetInt32(ordinal);

    public override long GetInt64(int ordinal) => Current.GetInt64(ordinal);

    public override string GetName(int ordinal) => Current.GetName(ordinal);

    public override int GetOrdinal(string name) => Current.GetOrdinal(name);

    public override string GetString(int ordinal) => Current.GetString(ordinal);

    public override object GetValue(int ordinal) => Current.GetValue(ordinal);

    public override int GetValues(object[] values) => Current.GetValues(values);

    public override bool IsDBNull(int ordinal) => Current.IsDBNull(ordinal);

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);
}
