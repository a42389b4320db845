namespace Workflows.Sql;

/// <summary>
/// A command of several statements as its statements, each with the names of the parameters it uses, so
/// that each runs as a command of its own given only its own parameters. Made once per command text.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite binds every parameter of a command to each of its statements, looking each name
/// up in each statement (a native call and a UTF-8 copy of the name each time): a commit's five
/// statements and 25 parameters cost 125 lookups for the 25 values that are bound. Run one by one, a
/// statement costs only its own lookups; on SQLite a command more costs no round trip.
/// </remarks>
internal sealed class StatementSplit
{
    private readonly string[][] _names;

    /// <summary>The parameters' order the last indices were found for (the same statement is given the same order).</summary>
    private string[]? _order;
    private int[][]? _indices;

    private StatementSplit(string[] parts, string[][] names)
    {
        Parts = parts;
        _names = names;
    }

    /// <summary>The statements, in order.</summary>
    public string[] Parts { get; }

    /// <summary>
    /// The statements of <paramref name="sql"/> (split at each <c>;</c> outside quotes), or <see langword="null"/> if it
    /// has only one, unless <paramref name="keepOne"/> (a statement's connection owner runs it itself, split or not).
    /// </summary>
    public static StatementSplit? Of(string sql, bool keepOne = false)
    {
        var parts = new List<string>();
        var names = new List<string[]>();
        int start = 0;
        char quote = '\0';
        for (int i = 0; i <= sql.Length; i++)
        {
            char c = i < sql.Length ? sql[i] : ';';
            if (Outside(c, ref quote) && c == ';')
            {
                string part = sql[start..i].Trim();
                if (part.Length > 0)
                {
                    parts.Add(part);
                    names.Add(NamesIn(part));
                }

                start = i + 1;
            }
        }

        // A quote left open (no statement of the journal's has one): not split, the database says what is wrong with it.
        return parts.Count > (keepOne ? 0 : 1) && quote == '\0' ? new StatementSplit([.. parts], [.. names]) : null;
    }

    /// <summary>
    /// For each statement, where its parameters are in <paramref name="parameters"/> (a name the statement uses but
    /// not given is left out: running the statement then says which value is missing).
    /// </summary>
    public int[][] IndicesFor((string Name, object? Value)[] parameters)
    {
        if (_order is { } order && _indices is { } known && SameOrder(order, parameters))
        {
            return known;
        }

        var indices = new int[Parts.Length][];
        for (int part = 0; part < Parts.Length; part++)
        {
            var found = new List<int>(_names[part].Length);
            foreach (string name in _names[part])
            {
                int index = Array.FindIndex(parameters, p => p.Name == name);
                if (index >= 0)
                {
                    found.Add(index);
                }
            }

            indices[part] = [.. found];
        }

        _order = [.. parameters.Select(p => p.Name)];
        _indices = indices;
        return indices;
    }

    private static bool SameOrder(string[] order, (string Name, object? Value)[] parameters)
    {
        if (order.Length != parameters.Length)
        {
            return false;
        }

        for (int i = 0; i < order.Length; i++)
        {
            if (!ReferenceEquals(order[i], parameters[i].Name) && order[i] != parameters[i].Name)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="c"/>, the next character of a statement, is outside quotes (a literal's <c>'</c>, an
    /// identifier's <c>"</c>); <paramref name="quote"/> is the quote open before it, and after. A doubled quote inside a
    /// literal closes and opens again: nothing between the two is seen.
    /// </summary>
    private static bool Outside(char c, ref char quote)
    {
        if (quote != '\0')
        {
            if (c == quote)
            {
                quote = '\0';
            }

            return false;
        }

        if (c is '\'' or '"')
        {
            quote = c;
            return false;
        }

        return true;
    }

    /// <summary>The names (without <c>@</c>) of the parameters <paramref name="statement"/> uses, each once, outside quotes.</summary>
    private static string[] NamesIn(string statement)
    {
        var names = new List<string>();
        char quote = '\0';
        for (int i = 0; i < statement.Length; i++)
        {
            if (!Outside(statement[i], ref quote) || statement[i] != '@')
            {
                continue;
            }

            int end = i + 1;
            while (end < statement.Length && (char.IsAsciiLetterOrDigit(statement[end]) || statement[end] == '_'))
            {
                end++;
            }

            string name = statement[(i + 1)..end];
            if (name.Length > 0 && !names.Contains(name))
            {
                names.Add(name);
            }

            i = end - 1;
        }

        return [.. names];
    }
}
