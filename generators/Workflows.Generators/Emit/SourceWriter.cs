using System.Text;

namespace Workflows.Generators.Emit;

/// <summary>
/// A small indentation-aware writer over <see cref="StringBuilder"/>. Lines end with '\n' whatever
/// the platform, so generated files are byte-for-byte the same everywhere.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4);
            _text.Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter Open()
    {
        Line("{");
        _depth++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> (with an optional suffix such as <c>;</c>).</summary>
    public SourceWriter Close(string suffix = "")
    {
        _depth--;
        return Line("}" + suffix);
    }

    public SourceWriter Indent()
    {
        _depth++;
        return this;
    }

    public SourceWriter Unindent()
    {
        _depth--;
        return this;
    }

    public override string ToString() => _text.ToString();
}
