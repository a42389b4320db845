namespace Workflows.Sql.Journal;

/// <summary>A statement (or several) and its parameters, sent ahead of another in the same round trip.</summary>
/// <param name="Sql">The statements.</param>
/// <param name="Parameters">Their parameters' names and values.</param>
internal readonly record struct Statement(string Sql, (string Name, object? Value)[] Parameters)
{
    /// <summary>
    /// These statements, then <paramref name="sql"/>, as one command. A name both use (<c>@t</c>, the time)
    /// must carry the same value: it is given once (SQLite miscounts a name given twice).
    /// </summary>
    public (string Sql, (string Name, object? Value)[] Parameters) Then(string sql, (string Name, object? Value)[] parameters)
    {
        (string Name, object? Value)[] ahead = Parameters;
        return (Sql + "; " + sql, [.. ahead, .. parameters.Where(p => !ahead.Any(a => a.Name == p.Name))]);
    }

    /// <summary>These statements, then <paramref name="next"/>'s, as one.</summary>
    public Statement Then(Statement next)
    {
        (string sql, (string Name, object? Value)[] parameters) = Then(next.Sql, next.Parameters);
        return new Statement(sql, parameters);
    }
}
