using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Workflows.Server.Http;

/// <summary>
/// What System.Text.Json finds wrong with a body, said in the body's own terms. Its messages name .NET
/// types ("could not be converted to Workflows.Server.Api.CreateWebhookRequest", "contained in type
/// 'DocumentReview.DocumentSubmitted'"), which mean nothing to a caller and tell too much about the server.
/// </summary>
internal static partial class JsonErrorText
{
    /// <summary>The reason, ending with a full stop, with no .NET type in it (the path and position are reported apart).</summary>
    /// <param name="error">What System.Text.Json threw.</param>
    /// <param name="contract">The contract the body was read with, when known: it tells the type of the property at the error's path,
    /// which System.Text.Json does not (for a record it names the record).</param>
    public static string Reason(JsonException error, JsonTypeInfo? contract = null)
    {
        string message = error.Message;
        int tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = (tail > 0 ? message[..tail] : message).Trim();

        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            return $"'{unmapped.Groups["property"].Value}' is not one of its properties.";
        }

        if (NotConverted().Match(message) is { Success: true } converted)
        {
            return contract is not null && error.Path is { Length: > 1 } path && TypeAt(contract, path) is { } type
                ? $"the value is not {Kind(type)}."
                : $"the value is not {Kind(converted.Groups["type"].Value)}.";
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return $"it is missing required properties: {missing.Groups["properties"].Value.TrimEnd('.')}.";
        }

        if (NullNotAllowed().Match(message) is { Success: true } isNull)
        {
            return $"'{isNull.Groups["name"].Value}' may not be null.";
        }

        if (Duplicate().Match(message) is { Success: true } duplicate)
        {
            return $"'{duplicate.Groups["property"].Value}' appears more than once.";
        }

        // Anything else that names a type says only what kind of problem it is.
        return NamesAType().IsMatch(message) ? "the value does not have the shape its JSON schema gives." : message.TrimEnd('.') + ".";
    }

    /// <summary>The type of the property at a JSON path ($.a.b[0]['c d']) in a contract, or null when the path leaves it.</summary>
    private static Type? TypeAt(JsonTypeInfo contract, string path)
    {
        JsonTypeInfo? info = contract;
        Type? type = null;
        foreach (Match segment in PathSegments().Matches(path, 1))
        {
            if (info is null)
            {
                return null;
            }

            if (segment.Groups["index"].Success)
            {
                type = info.ElementType;
            }
            else
            {
                string name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
                StringComparison comparison = info.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                type = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison))?.PropertyType;
            }

            if (type is null)
            {
                return null;
            }

            info = info.Options.TryGetTypeInfo(type, out JsonTypeInfo? next) ? next : null;
        }

        return type;
    }

    /// <summary>A .NET type said as the JSON that would fit it.</summary>
    private static string Kind(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Kind(inner) + " or null";
        }

        if (type.IsEnum)
        {
            return "one of its allowed names";
        }

        string named = Kind(type.FullName ?? type.Name);
        if (named != UnknownKind)
        {
            return named;
        }

        return type.GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            ? "an object"
            : typeof(IEnumerable).IsAssignableFrom(type) ? "an array" : "an object";
    }

    private const string UnknownKind = "of the JSON type that property takes";

    /// <summary>A .NET type, as System.Text.Json names it, said as the JSON that would fit it.</summary>
    private static string Kind(string type)
    {
        if (type.StartsWith("System.Nullable`1[", StringComparison.Ordinal))
        {
            return Kind(type["System.Nullable`1[".Length..^1]) + " or null";
        }

        if (type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("List`1", StringComparison.Ordinal) || type.Contains("Enumerable`1", StringComparison.Ordinal)
            || type.Contains("Collection`1", StringComparison.Ordinal) || type.Contains("Set`1", StringComparison.Ordinal) || type.Contains("ImmutableArray`1", StringComparison.Ordinal))
        {
            return "an array";
        }

        if (type.Contains("Dictionary`2", StringComparison.Ordinal))
        {
            return "an object";
        }

        return type switch
        {
            "System.String" or "System.Char" or "System.Uri" => "a string",
            "System.Guid" => "a GUID string",
            "System.DateTime" or "System.DateTimeOffset" or "System.DateOnly" or "System.TimeOnly" => "a date or time string (ISO 8601)",
            "System.TimeSpan" => "a duration string (such as \"00:05:00\")",
            "System.Boolean" => "true or false",
            "System.Byte" or "System.SByte" or "System.Int16" or "System.UInt16" or "System.Int32" or "System.UInt32"
                or "System.Int64" or "System.UInt64" or "System.Int128" or "System.UInt128" => "a whole number in range",
            "System.Single" or "System.Double" or "System.Decimal" or "System.Half" => "a number",
            "System.Text.Json.JsonElement" or "System.Text.Json.Nodes.JsonNode" or "System.Object" => "JSON",
            _ => UnknownKind,
        };
    }

    [GeneratedRegex(@"^The JSON property '(?<property>.*)' could not be mapped to any \.NET member contained in type '.*'\.?$", RegexOptions.Singleline)]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>.+?)\.?$", RegexOptions.Singleline)]
    private static partial Regex NotConverted();

    [GeneratedRegex(@"^JSON deserialization for type '.*' was missing required properties(?: including)?: (?<properties>.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"^The (?:property or field|constructor parameter) '(?<name>.*?)' on type '.*' doesn't allow (?:setting )?null values", RegexOptions.Singleline)]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex(@"^Duplicate property '(?<property>.*?)' encountered during deserialization", RegexOptions.Singleline)]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>[0-9]+)\]")]
    private static partial Regex PathSegments();

    [GeneratedRegex(@"type '|\b(?:System|Microsoft|Workflows)\.[A-Z]")]
    private static partial Regex NamesAType();
}
