using System.Collections.Concurrent;

namespace Workflows.Sql.Journal;

/// <summary>
/// Command texts put together from the journal's statements, kept once made: a commit sends the same few
/// combinations over and over, and building each again (a kilobyte or two of text) was about a fifth of the bytes a run allocated.
/// </summary>
internal static class SqlTexts
{
    /// <summary>Enough for every combination the journal makes; texts beyond it are made each time rather than kept.</summary>
    private const int MaxKept = 1024;

    private static readonly ConcurrentDictionary<(string First, string Separator, string Second), string> s_kept = new();

    /// <summary><paramref name="first"/>, then <paramref name="second"/>, as one command of several statements.</summary>
    public static string Join(string first, string second) => Concat(first, "; ", second);

    /// <summary><paramref name="first"/>, <paramref name="separator"/> and <paramref name="second"/> as one text, the same instance each time.</summary>
    public static string Concat(string first, string separator, string second)
    {
        if (s_kept.TryGetValue((first, separator, second), out string? kept))
        {
            return kept;
        }

        string text = string.Concat(first, separator, second);
        return s_kept.Count < MaxKept ? s_kept.GetOrAdd((first, separator, second), text) : text;
    }
}
