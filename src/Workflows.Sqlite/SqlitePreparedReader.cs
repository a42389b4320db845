using System.Collections;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

using SQLitePCL;

namespace Workflows.Sqlite;

/// <summary>
/// The rows of a <see cref="SqlitePreparedStatement"/>'s run, read with SQLite's own calls; one reader serves
/// every run of its statement (a run starts only once the last one's reader is closed).
/// </summary>
/// <remarks>
/// Values read as SQLite converts them, as Microsoft.Data.Sqlite reads them: integers, reals and text by their
/// getters, <see cref="GetValue"/> by the value's storage class, a typed getter on NULL an error. Closing it runs
/// what is left of a statement that writes (a <c>RETURNING</c> not read to its end) and readies it to run again.
/// </remarks>
internal sealed class SqlitePreparedReader(SqlitePreparedStatement owner, sqlite3_stmt statement) : DbDataReader
{
    private readonly int _fieldCount = raw.sqlite3_column_count(statement);
    private bool _firstRowReady;
    private bool _onRow;
    private bool _done;
    private bool _closed = true;
    private bool _hasRows;
    private int _recordsAffected = -1;

    /// <summary>A run began: its first row is ready (<paramref name="row"/>), or it ran to its end.</summary>
    internal void Start(bool row)
    {
        _closed = false;
        _hasRows = row;
        _firstRowReady = row;
        _onRow = false;
        _done = !row;
        _recordsAffected = row ? -1 : owner.Changes();
    }

    public override bool Read()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_firstRowReady)
        {
            _firstRowReady = false;
            _onRow = true;
            return true;
        }

        _onRow = false;
        return !_done && Step();
    }

    /// <summary>The next row; false at the end (the changes then counted).</summary>
    private bool Step()
    {
        int rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            _onRow = true;
            return true;
        }

        _done = true;
        if (rc != raw.SQLITE_DONE)
        {
            owner.Fail(rc);
        }

        _recordsAffected = owner.Changes();
        return false;
    }

    public override bool NextResult() => false;

    public override void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _onRow = false;
        _firstRowReady = false;
        try
        {
            if (!_done && !owner.ReadOnly)
            {
                // What a RETURNING left unread still writes: as Microsoft.Data.Sqlite does, it runs to its end.
                while (Step())
                {
                }
            }
        }
        finally
        {
            _done = true;
            raw.sqlite3_reset(statement);
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

    public override int FieldCount => _fieldCount;

    public override bool HasRows => _hasRows;

    public override bool IsClosed => _closed;

    public override int RecordsAffected => _recordsAffected;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool IsDBNull(int ordinal) => TypeOf(ordinal) == raw.SQLITE_NULL;

    public override long GetInt64(int ordinal)
    {
        NotNull(ordinal);
        return raw.sqlite3_column_int64(statement, ordinal);
    }

    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));

    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));

    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    public override double GetDouble(int ordinal)
    {
        NotNull(ordinal);
        return raw.sqlite3_column_double(statement, ordinal);
    }

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override decimal GetDecimal(int ordinal) =>
        decimal.Parse(GetString(ordinal), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);

    public override string GetString(int ordinal)
    {
        NotNull(ordinal);
        return raw.sqlite3_column_text(statement, ordinal).utf8_to_string();
    }

    public override char GetChar(int ordinal) =>
        TypeOf(ordinal) == raw.SQLITE_INTEGER ? checked((char)GetInt64(ordinal)) : GetString(ordinal)[0];

    public override DateTime GetDateTime(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_FLOAT => DateTime.FromOADate(GetDouble(ordinal) - 2415018.5),
        raw.SQLITE_INTEGER => DateTimeOffset.FromUnixTimeSeconds(GetInt64(ordinal)).UtcDateTime,
        _ => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
    };

    public override Guid GetGuid(int ordinal) =>
        TypeOf(ordinal) == raw.SQLITE_BLOB ? new Guid(Blob(ordinal)) : Guid.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        ReadOnlySpan<byte> blob = Blob(ordinal);
        if (buffer is null)
        {
            return blob.Length;
        }

        int count = (int)Math.Max(0, Math.Min(length, blob.Length - dataOffset));
        blob.Slice((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset));
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        string text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        int count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.AsSpan((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset));
        return count;
    }

    public override object GetValue(int ordinal) => TypeOf(ordinal) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, ordinal),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, ordinal),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, ordinal).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, ordinal).ToArray(),
        _ => DBNull.Value,
    };

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int count = Math.Min(values.Length, _fieldCount);
        for (int i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    public override string GetName(int ordinal)
    {
        InRange(ordinal);
        return raw.sqlite3_column_name(statement, ordinal).utf8_to_string();
    }

    public override int GetOrdinal(string name)
    {
        for (int i = 0; i < _fieldCount; i++)
        {
            if (string.Equals(GetName(i), name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (int i = 0; i < _fieldCount; i++)
        {
            if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(name), name, "The statement has no column of that name.");
    }

    public override string GetDataTypeName(int ordinal)
    {
        InRange(ordinal);
        string? declared = raw.sqlite3_column_decltype(statement, ordinal).utf8_to_string();
        return !string.IsNullOrEmpty(declared) ? declared : StorageClass(_onRow ? raw.sqlite3_column_type(statement, ordinal) : raw.SQLITE_BLOB);
    }

    [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
    public override Type GetFieldType(int ordinal)
    {
        InRange(ordinal);
        return (_onRow ? raw.sqlite3_column_type(statement, ordinal) : raw.SQLITE_BLOB) switch
        {
            raw.SQLITE_INTEGER => typeof(long),
            raw.SQLITE_FLOAT => typeof(double),
            raw.SQLITE_TEXT => typeof(string),
            raw.SQLITE_BLOB => typeof(byte[]),
            _ => typeof(object),
        };
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);

    private static string StorageClass(int type) => type switch
    {
        raw.SQLITE_INTEGER => "INTEGER",
        raw.SQLITE_FLOAT => "REAL",
        raw.SQLITE_TEXT => "TEXT",
        _ => "BLOB",
    };

    private ReadOnlySpan<byte> Blob(int ordinal)
    {
        NotNull(ordinal);
        return raw.sqlite3_column_blob(statement, ordinal);
    }

    /// <summary>The storage class of the current row's value at <paramref name="ordinal"/>.</summary>
    private int TypeOf(int ordinal)
    {
        InRange(ordinal);
        if (!_onRow)
        {
            throw new InvalidOperationException("No data exists for the row/column: the reader is not on a row (call Read first).");
        }

        return raw.sqlite3_column_type(statement, ordinal);
    }

    private void NotNull(int ordinal)
    {
        if (TypeOf(ordinal) == raw.SQLITE_NULL)
        {
            throw new InvalidCastException($"The value of column {ordinal} ({GetName(ordinal)}) is NULL: check IsDBNull before reading it.");
        }
    }

    private void InRange(int ordinal) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)ordinal, (uint)_fieldCount, nameof(ordinal));
}
