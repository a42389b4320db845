using Microsoft.CodeAnalysis.Text;

namespace Workflows.Testing.Compiler;

/// <summary>
/// Source with expected spans marked inline: <c>[|Approved|]</c> (nested, <c>[|[|x|]|]</c>, for two
/// diagnostics on one span). <see cref="Parse"/> strips the marks and returns the spans in order of
/// their ends, so a test reads like the code the IDE would underline.
/// </summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<TextSpan> Spans) Parse(string markup)
    {
        var source = new System.Text.StringBuilder(markup.Length);
        var spans = new List<TextSpan>();
        var starts = new Stack<int>();
        for (int i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                starts.Push(source.Length);
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                // Nested marks give one span per mark: two diagnostics on the same code.
                spans.Add(TextSpan.FromBounds(starts.Pop(), source.Length));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }

        return (source.ToString(), spans);
    }
}
