namespace Workflows.Sql;

/// <summary>
/// The parameters one statement of a command uses, as a view of the command's parameters (no copy): those at
/// the statement's indices, or all of them.
/// </summary>
public readonly struct StatementValues
{
    private readonly (string Name, object? Value)[] _parameters;
    private readonly int[]? _indices;

    internal StatementValues((string Name, object? Value)[] parameters, int[]? indices)
    {
        _parameters = parameters;
        _indices = indices;
    }

    /// <summary>How many there are.</summary>
    public int Count => _indices?.Length ?? _parameters?.Length ?? 0;

    /// <summary>One of them: its name (without <c>@</c>) and value (<see langword="null"/> for NULL).</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    public (string Name, object? Value) this[int index] => _parameters[_indices is { } indices ? indices[index] : index];
}
