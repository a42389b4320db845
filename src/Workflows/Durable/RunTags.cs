namespace Workflows.Durable;

/// <summary>The rules for a run's tags, checked where they come in (a start, a step) so a bad one fails there, by name.</summary>
internal static class RunTags
{
    public const int MaxLength = 200;

    public static IReadOnlyDictionary<string, string>? Checked(IReadOnlyDictionary<string, string>? tags, string parameter)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        var copy = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        foreach ((string key, string value) in tags)
        {
            Check(key, value, parameter);
            copy[key] = value;
        }

        return copy;
    }

    public static void Check(string key, string value, string parameter)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
        {
            throw new ArgumentException($"A run tag's key must be 1 to {MaxLength} characters; '{Shorten(key)}' is {key?.Length ?? 0}.", parameter);
        }

        if (value is null || value.Length > MaxLength)
        {
            throw new ArgumentException($"Run tag '{key}' must have a value of at most {MaxLength} characters; it has {(value is null ? "none" : value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.", parameter);
        }
    }

    /// <summary>A run's title: trimmed, 1 to <see cref="MaxLength"/> characters, no control characters; empty means none.</summary>
    public static string? CheckedTitle(string? title, string parameter)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        string trimmed = title.Trim();
        if (trimmed.Length > MaxLength)
        {
            throw new ArgumentException($"A run's title must be at most {MaxLength} characters; '{Shorten(trimmed)}' is {trimmed.Length}.", parameter);
        }

        foreach (char c in trimmed)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"A run's title must not hold control characters (line breaks, tabs); '{Shorten(trimmed)}' does.", parameter);
            }
        }

        return trimmed;
    }

    /// <summary>
    /// A title read from a StartEvent's <c>[RunTitle]</c> member: the caller did not choose it, so
    /// instead of refusing the run, control characters become spaces and a long one is cut at
    /// <see cref="MaxLength"/> characters (ending with '…').
    /// </summary>
    public static string? TitleFrom(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var title = new System.Text.StringBuilder(text.Length);
        foreach (char c in text.Trim())
        {
            title.Append(char.IsControl(c) ? ' ' : c);
        }

        if (title.Length <= MaxLength)
        {
            return title.ToString();
        }

        // Never cut a surrogate pair in half: half a character cannot be stored.
        int cut = char.IsHighSurrogate(title[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
        return title.ToString(0, cut) + "…";
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
