using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Workflows.Server.Http;

/// <summary>
/// Reads a JSON request body within the size limit, and turns what is wrong with it into a problem
/// that says where: 413 past the limit, 415 for another content type, 400 with the JSON path, line and
/// position of a syntax or type error, or of bytes that are not text.
/// </summary>
internal static class RequestBody
{
    /// <summary>The body as an object of <typeparamref name="T"/>: a 400 naming <paramref name="what"/> when it is not one.</summary>
    public static async Task<T> ReadObjectAsync<T>(HttpRequest request, long limit, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
        where T : class
    {
        ReadOnlyMemory<byte> body = await ReadJsonAsync(request, limit, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body.Span, type)
                ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "The body must be a JSON object.");
        }
        catch (JsonException error)
        {
            throw Malformed(error, "The body", what, type);
        }
    }

    /// <summary>The body's bytes, at most <paramref name="limit"/> of them.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadJsonAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } contentType || !IsJson(contentType))
        {
            throw new ApiProblemException(
                StatusCodes.Status415UnsupportedMediaType,
                "unsupported_media_type",
                $"The body must be JSON, sent with 'Content-Type: application/json'; this request says '{request.ContentType ?? "nothing"}'.");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Kestrel then stops reading at the limit itself, whatever Content-Length claimed.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize is null || size.MaxRequestBodySize > limit))
        {
            size.MaxRequestBodySize = limit;
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw TooLarge(limit);
            }

            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw TooLarge(limit);
            }

            if (read.IsCompleted)
            {
                byte[] body = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                if (body.Length == 0)
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "empty_body", "The body is empty; it must be a JSON object.");
                }

                BodyText.Check(body);
                return body;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>A 400 saying where the JSON is wrong, for <paramref name="what"/> ("the body", "'data'"); <paramref name="contract"/>, when given, names the expected JSON type.</summary>
    public static ApiProblemException Malformed(JsonException error, string what, string expected, System.Text.Json.Serialization.Metadata.JsonTypeInfo? contract = null)
    {
        var where = new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = error.Path };
        string position = string.Empty;
        if (error.LineNumber is { } line)
        {
            where["line"] = line + 1;
            where["position"] = error.BytePositionInLine + 1;
            position = $" (line {line + 1}, position {error.BytePositionInLine + 1})";
        }

        string at = error.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
        return new ApiProblemException(
            StatusCodes.Status400BadRequest,
            "malformed_json",
            $"{what} is not a valid {expected}{at}{position}: {JsonErrorText.Reason(error, contract)}",
            where);
    }

    private static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body is larger than the {limit:N0} bytes this server accepts (Workflows:Server:MaxRequestBodyBytes).");

    private static bool IsJson(string contentType) =>
        contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

}
