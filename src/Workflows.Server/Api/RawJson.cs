using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Server.Api;

/// <summary>JSON written as it is: an event's payload, exactly as its workflow stored it.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson
{
    /// <summary>Wraps JSON text.</summary>
    /// <param name="json">Valid JSON.</param>
    public RawJson(string json) => Json = json;

    /// <summary>The JSON text.</summary>
    public string Json { get; }

    /// <inheritdoc/>
    public override string ToString() => Json;
}

/// <summary>Writes <see cref="RawJson"/> as a JSON value, and reads any JSON value into one.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc/>
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value.Json);
    }
}
