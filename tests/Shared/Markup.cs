using Microsoft.CodeAnalysis.Text;

namespace Workflows.Testing.Compiler;

/// <summary>
/// Source with expected spans marked inline: <c>[|Approved|]</c>. <see cref="Parse"/> strips the
/// marks and returns the spans, so a test reads like the code the IDE would underline.
/// </summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<TextSpan> Spans) Parse(string markup)
    {
        var source = new System.Text.StringBuilder(markup.Length);
        var spans = new List<TextSpan>();
        int start = -1;
        for (int i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                start = source.Length;
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                spans.Add(TextSpan.FromBounds(start, source.Length));
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
