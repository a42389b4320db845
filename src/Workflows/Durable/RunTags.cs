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

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
