// Writes src/Workflows/OneOf/OneOf.{2..8}.cs from the one template below: OneOf<T1, …, Tn> differ
// only in their number of arms. Edit the template here, never the files, then run
//   dotnet run scripts/oneof/generate.cs
// from the repository's root. With --check it writes nothing and exits 1 if a file differs from the
// template (a test runs it that way).
using System.Text;

string[] numbers = ["", "one", "two", "three", "four", "five", "six", "seven", "eight"];
string directory = Path.Combine(Directory.GetCurrentDirectory(), "src", "Workflows", "OneOf");
bool check = args.Contains("--check");
var stale = new List<string>();
for (int n = 2; n <= 8; n++)
{
    string path = Path.Combine(directory, $"OneOf.{n}.cs");
    string text = OneOf(n);
    if (check)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            stale.Add(path);
        }
    }
    else
    {
        File.WriteAllText(path, text);
    }
}

if (stale.Count > 0)
{
    Console.Error.WriteLine($"Not what scripts/oneof/generate.cs makes: {string.Join(", ", stale)}. Run 'dotnet run scripts/oneof/generate.cs' from the repository's root.");
    return 1;
}

Console.WriteLine(check ? "OneOf files match the template." : $"Wrote OneOf.2.cs to OneOf.8.cs in {directory}.");
return 0;

string OneOf(int n)
{
    IEnumerable<int> arms = Enumerable.Range(1, n);
    string type = $"OneOf<{string.Join(", ", arms.Select(i => $"T{i}"))}>";
    var s = new StringBuilder();
    void Line(string line = "") => s.Append(line).Append('\n');

    Line("// Made by scripts/oneof/generate.cs from its template: edit the template, then run it again.");
    Line("using System.Runtime.CompilerServices;");
    Line();
    Line("namespace Workflows;");
    Line();
    Line("/// <summary>");
    Line($"/// One of {numbers[n]} event types: what a step returns when it produces exactly one of several events.");
    Line("/// Convert from any arm implicitly; read it back with <see cref=\"Value\"/> in a <see langword=\"switch\"/>,");
    Line("/// with <c>IsT1</c>/<c>AsT1</c>, <c>TryPickT1</c>, or <see cref=\"Match{TResult}\"/>.");
    Line("/// </summary>");
    foreach (int i in arms)
    {
        Line($"/// <typeparam name=\"T{i}\">Arm {i}: an event type.</typeparam>");
    }

    Line("/// <example>");
    Line("/// <code>");
    Line("/// [Step]");
    Line("/// private static OneOf&lt;Approved, Rejected&gt; Review(Drafted draft) =&gt;");
    Line("///     draft.Words &gt; 10 ? new Approved(draft.Text) : new Rejected(\"too short\");");
    Line("/// </code>");
    Line("/// </example>");
    Line($"public readonly struct {type} : IOneOf, IEquatable<{type}>");
    foreach (int i in arms)
    {
        Line($"    where T{i} : Event");
    }

    Line("{");
    Line("    private readonly Event? _value;");
    Line("    private readonly int _index;");
    Line();
    Line("    private OneOf(Event value, int index)");
    Line("    {");
    Line("        _value = value;");
    Line("        _index = index;");
    Line("    }");
    Line();
    Line($"    /// <summary>Which arm is held, from 1 to {n}; 0 for <see langword=\"default\"/>, which holds nothing.</summary>");
    Line("    public int Index => _index;");
    Line();
    Line("    /// <summary>The event held, typed as its common base, for pattern matching.</summary>");
    Line("    /// <exception cref=\"InvalidOperationException\">This value is <see langword=\"default\"/> and holds no event.</exception>");
    Line($"    public Event Value => _value ?? throw OneOfErrors.Empty(typeof({type}));");
    foreach (int i in arms)
    {
        Line();
        Line($"    /// <summary>Whether arm {i} (<typeparamref name=\"T{i}\"/>) is held.</summary>");
        Line($"    public bool IsT{i} => _index == {i};");
        Line();
        Line($"    /// <summary>Arm {i}.</summary>");
        Line("    /// <exception cref=\"InvalidOperationException\">Another arm is held.</exception>");
        Line($"    public T{i} AsT{i} => _index == {i} ? Unsafe.As<T{i}>(_value!) : throw OneOfErrors.WrongArm(typeof({type}), {i}, _index);");
        Line();
        Line($"    /// <summary>Gets arm {i} if it is held.</summary>");
        Line($"    /// <param name=\"value\">Arm {i} when this returns <see langword=\"true\"/>.</param>");
        Line($"    /// <returns>Whether arm {i} is held.</returns>");
        Line($"    public bool TryPickT{i}([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T{i}? value)");
        Line("    {");
        Line($"        value = _index == {i} ? Unsafe.As<T{i}>(_value!) : null;");
        Line("        return value is not null;");
        Line("    }");
    }

    Line();
    Line("    /// <summary>Calls the function for the held arm and returns its result.</summary>");
    Line("    /// <typeparam name=\"TResult\">What the functions return.</typeparam>");
    foreach (int i in arms)
    {
        Line($"    /// <param name=\"f{i}\">Called when arm {i} is held.</param>");
    }

    Line("    /// <returns>The result of the function that was called.</returns>");
    Line($"    public TResult Match<TResult>({string.Join(", ", arms.Select(i => $"Func<T{i}, TResult> f{i}"))})");
    Line("    {");
    foreach (int i in arms)
    {
        Line($"        ArgumentNullException.ThrowIfNull(f{i});");
    }

    Line("        return _index switch");
    Line("        {");
    foreach (int i in arms)
    {
        Line($"            {i} => f{i}(Unsafe.As<T{i}>(_value!)),");
    }

    Line($"            _ => throw OneOfErrors.Empty(typeof({type})),");
    Line("        };");
    Line("    }");
    Line();
    Line("    /// <summary>Calls the action for the held arm.</summary>");
    foreach (int i in arms)
    {
        Line($"    /// <param name=\"a{i}\">Called when arm {i} is held.</param>");
    }

    Line($"    public void Switch({string.Join(", ", arms.Select(i => $"Action<T{i}> a{i}"))})");
    Line("    {");
    foreach (int i in arms)
    {
        Line($"        ArgumentNullException.ThrowIfNull(a{i});");
    }

    Line("        switch (_index)");
    Line("        {");
    foreach (int i in arms)
    {
        Line($"            case {i}: a{i}(Unsafe.As<T{i}>(_value!)); break;");
    }

    Line($"            default: throw OneOfErrors.Empty(typeof({type}));");
    Line("        }");
    Line("    }");
    foreach (int i in arms)
    {
        Line();
        Line($"    /// <summary>Holds <paramref name=\"value\"/> as arm {i}.</summary>");
        Line("    /// <param name=\"value\">The event; not <see langword=\"null\"/>.</param>");
        Line("    /// <exception cref=\"ArgumentNullException\"><paramref name=\"value\"/> is <see langword=\"null\"/>.</exception>");
        Line($"    public static implicit operator {type}(T{i} value) =>");
        Line($"        new(value ?? throw OneOfErrors.NullArm(typeof({type}), {i}, nameof(value)), {i});");
    }

    Line();
    Line("    /// <inheritdoc/>");
    Line($"    public bool Equals({type} other) => _index == other._index && Equals(_value, other._value);");
    Line();
    Line("    /// <inheritdoc/>");
    Line($"    public override bool Equals(object? obj) => obj is {type} other && Equals(other);");
    Line();
    Line("    /// <inheritdoc/>");
    Line("    public override int GetHashCode() => HashCode.Combine(_index, _value);");
    Line();
    Line("    /// <summary>The held event's text, or <c>(empty)</c>.</summary>");
    Line("    /// <returns>A text for diagnostics.</returns>");
    Line("    public override string ToString() => _value?.ToString() ?? \"(empty)\";");
    Line();
    Line("    /// <summary>Whether both hold the same arm and equal events.</summary>");
    Line("    /// <param name=\"left\">The first value.</param>");
    Line("    /// <param name=\"right\">The second value.</param>");
    Line("    /// <returns><see langword=\"true\"/> when equal.</returns>");
    Line($"    public static bool operator ==({type} left, {type} right) => left.Equals(right);");
    Line();
    Line("    /// <summary>Whether the two differ in arm or event.</summary>");
    Line("    /// <param name=\"left\">The first value.</param>");
    Line("    /// <param name=\"right\">The second value.</param>");
    Line("    /// <returns><see langword=\"true\"/> when different.</returns>");
    Line($"    public static bool operator !=({type} left, {type} right) => !left.Equals(right);");
    Line("}");
    return s.ToString();
}
