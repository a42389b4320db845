using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Workflows.Analyzers;

/// <summary>
/// <c>Workflows.Shipped.txt</c>: the shape of each durable workflow as last shipped, one line per step
/// or event, each prefixed with the workflow's name (<c>ShippingFlow: step 0 Ask(global::Shop.Order) -> …</c>),
/// sorted, so a change shows as a few lines in a diff. Lines starting with <c>#</c> are comments.
/// </summary>
internal sealed class ShippedBaseline
{
    /// <summary>The file's name; the project adds it as an <c>AdditionalFiles</c> item.</summary>
    public const string FileName = "Workflows.Shipped.txt";

    private const string Header =
        "# The shape of each durable workflow as shipped: a build that would strand or misread its stored runs fails (WF0024).\n" +
        "# Update it when you ship a change (the code fix on WF0024/WF0025 does). One line per step or event, sorted.\n";

    private static readonly char[] LineBreak = ['\n'];

    private readonly Dictionary<string, List<string>> _shapes;
    private readonly Dictionary<string, int> _firstLines;

    private ShippedBaseline(AdditionalText file, Dictionary<string, List<string>> shapes, Dictionary<string, int> firstLines)
    {
        File = file;
        _shapes = shapes;
        _firstLines = firstLines;
    }

    public AdditionalText File { get; }

    /// <summary>How the file names a workflow: its name, and <c>@version</c> above version 1 (<c>Shipping@2</c>).</summary>
    public static string KeyOf(string name, int version) =>
        version == 1 ? name : name + "@" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The attribute a class of the workflow a key names carries: <c>[Workflow(Name = "Approval", Version = 2)]</c>.</summary>
    public static string AttributeFor(string key)
    {
        int at = key.LastIndexOf('@');
        return at > 0 && int.TryParse(key.Substring(at + 1), out int version)
            ? $"[Workflow(Name = \"{key.Substring(0, at)}\", Version = {version})]"
            : $"[Workflow(Name = \"{key}\")]";
    }

    /// <summary>The highest version of <paramref name="name"/> the file lists (0 when none).</summary>
    public int HighestVersionOf(string name)
    {
        int highest = 0;
        foreach (string key in _shapes.Keys)
        {
            if (key == name)
            {
                highest = System.Math.Max(highest, 1);
            }
            else if (key.StartsWith(name + "@", StringComparison.Ordinal) && int.TryParse(key.Substring(name.Length + 1), out int version))
            {
                highest = System.Math.Max(highest, version);
            }
        }

        return highest;
    }

    /// <summary>The workflows it lists.</summary>
    public IEnumerable<string> Workflows => _shapes.Keys;

    /// <summary>The baseline among a project's additional files, or <see langword="null"/> when it has none.</summary>
    public static ShippedBaseline? Find(IEnumerable<AdditionalText> files, System.Threading.CancellationToken cancellationToken)
    {
        AdditionalText? file = files.FirstOrDefault(static f => string.Equals(Path.GetFileName(f.Path), FileName, StringComparison.OrdinalIgnoreCase));
        if (file?.GetText(cancellationToken) is not { } text)
        {
            return null;
        }

        var shapes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (TextLine line in text.Lines)
        {
            string content = line.ToString().Trim();
            int colon = content.IndexOf(": ", StringComparison.Ordinal);
            if (content.Length == 0 || content[0] == '#' || colon <= 0)
            {
                continue;
            }

            string workflow = content.Substring(0, colon);
            if (!shapes.TryGetValue(workflow, out List<string>? lines))
            {
                shapes[workflow] = lines = [];
                firstLines[workflow] = line.LineNumber;
            }

            lines.Add(content.Substring(colon + 2));
        }

        return new ShippedBaseline(file, shapes, firstLines);
    }

    /// <summary>The shipped shape's lines of <paramref name="workflow"/>, or <see langword="null"/> when it is not listed.</summary>
    public IReadOnlyList<string>? ShapeOf(string workflow) => _shapes.TryGetValue(workflow, out List<string>? lines) ? lines : null;

    /// <summary>Where the file lists <paramref name="workflow"/>: its first line.</summary>
    public Location LocationOf(string workflow, System.Threading.CancellationToken cancellationToken)
    {
        SourceText text = File.GetText(cancellationToken)!;
        TextLine line = text.Lines[_firstLines[workflow]];
        return Location.Create(File.Path, line.Span, text.Lines.GetLinePositionSpan(line.Span));
    }

    /// <summary>
    /// The file's text with <paramref name="workflow"/>'s lines replaced by <paramref name="shape"/>
    /// (removed when it is empty): the comments at the top kept, every other line sorted.
    /// </summary>
    public static string Update(string? current, string workflow, string shape)
    {
        var comments = new List<string>();
        var entries = new List<string>();
        foreach (string raw in (current ?? string.Empty).Split('\n'))
        {
            string line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                comments.Add(line);
            }
            else if (!line.StartsWith(workflow + ": ", StringComparison.Ordinal))
            {
                entries.Add(line);
            }
        }

        foreach (string line in shape.Split(LineBreak, StringSplitOptions.RemoveEmptyEntries))
        {
            entries.Add(workflow + ": " + line);
        }

        entries.Sort(StringComparer.Ordinal);
        var text = new StringBuilder(comments.Count == 0 ? Header : string.Join("\n", comments) + "\n");
        foreach (string entry in entries)
        {
            text.Append(entry).Append('\n');
        }

        return text.ToString();
    }
}
