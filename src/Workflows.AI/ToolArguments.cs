using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Workflows.AI;

/// <summary>A tool call's arguments and result as JSON: what a person reads and edits, and what a durable run records.</summary>
internal static class ToolArguments
{
    // Microsoft.Extensions.AI's options write indented JSON; a person reads one line better, and a journal keeps less.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static string Write(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        JsonTypeInfo info = Compact.GetTypeInfo(typeof(IDictionary<string, object?>));
        return JsonSerializer.Serialize(arguments, info);
    }

    /// <summary>Arguments as a tool takes them; a person's edit that is not a JSON object fails the step, naming the tool.</summary>
    public static AIFunctionArguments Read(string json, string tool)
    {
        Dictionary<string, JsonElement>? values;
        try
        {
            values = JsonSerializer.Deserialize(json, AIJson.Default.DictionaryStringJsonElement);
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"The arguments for tool '{tool}' are not a JSON object ({error.Message}): {json}", nameof(json), error);
        }

        var arguments = new AIFunctionArguments();
        foreach ((string name, JsonElement value) in values ?? [])
        {
            arguments[name] = value;
        }

        return arguments;
    }

    public static JsonElement ToJson(object? returned, AIFunction tool) => returned switch
    {
        null => JsonSerializer.SerializeToElement((string?)null, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))),
        JsonElement element => element.Clone(),
        _ => JsonSerializer.SerializeToElement(returned, (tool.JsonSerializerOptions ?? AIJsonUtilities.DefaultOptions).GetTypeInfo(returned.GetType())),
    };
}
