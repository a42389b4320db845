using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Workflows.Server.Http;

/// <summary>
/// Checks that a JSON body is text: valid UTF-8, and no string escaping half of a surrogate pair
/// (<c>"\uD800"</c>). System.Text.Json reads both without complaint and throws only when a string is
/// taken out — an <see cref="InvalidOperationException"/> deep in a handler, which would be a 500.
/// </summary>
internal static class BodyText
{
    /// <summary>Throws a 400 problem saying where the body stops being text; does nothing when it is.</summary>
    public static void Check(ReadOnlySpan<byte> body)
    {
        // The vectorized check first; decoding rune by rune only to say where a bad body goes wrong.
        if (!Utf8.IsValid(body))
        {
            int offset = 0;
            while (Rune.DecodeFromUtf8(body[offset..], out _, out int consumed) == OperationStatus.Done)
            {
                offset += consumed;
            }

            throw NotText(body, offset, $"byte 0x{body[offset]:X2} is not valid UTF-8. Send the body as UTF-8 text");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !Unescapes(ref reader))
                {
                    throw NotText(body, (int)reader.TokenStartIndex, "a string escapes half of a surrogate pair (such as \\uD800) with no other half. Escape a character outside the Basic Multilingual Plane as a complete pair (\\uD83D\\uDE00), or send it as UTF-8");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the reader of what the body should be reports that, with the path and position.
        }
    }

    private static bool Unescapes(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // GetString's only way of saying the escaped text is not valid UTF-16.
            return false;
        }
    }

    private static ApiProblemException NotText(ReadOnlySpan<byte> body, int offset, string what)
    {
        ReadOnlySpan<byte> before = body[..offset];
        int line = before.Count((byte)'\n') + 1;
        int position = offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return new ApiProblemException(
            StatusCodes.Status400BadRequest,
            "invalid_text",
            $"The body is not valid text at line {line}, position {position}: {what}.",
            new Dictionary<string, object?> { ["line"] = line, ["position"] = position });
    }
}
