using System.Globalization;
using System.Text;

namespace Workflows.Rules;

/// <summary>
/// Where an event stands among fan-outs: which item of which fan-out it descends from, and where
/// that fan-out itself stood (<see cref="Parent"/>). A step's outputs inherit its input's lineage; a
/// fan-out adds a frame per item; a join takes one off. Both hosts carry it with every event, so a
/// join gathers exactly the items of one fan-out even when fan-outs overlap.
/// </summary>
/// <param name="Batch">The fan-out: unique within its run (in memory a counter, durably the fanning delivery's id).</param>
/// <param name="Index">Which item, from 0.</param>
/// <param name="Size">How many items the fan-out made; 0 for the one arrival of an empty fan-out.</param>
/// <param name="Step">The step that fanned out.</param>
/// <param name="Parent">The lineage of the event the fan-out step handled; <see langword="null"/> at the top of the run.</param>
internal sealed record Lineage(long Batch, int Index, int Size, int Step, Lineage? Parent)
{
    /// <summary>One frame per item of a fan-out of <paramref name="size"/> items (one frame of size 0 when empty).</summary>
    public static Lineage[] Items(long batch, int size, int step, Lineage? parent)
    {
        var items = new Lineage[Math.Max(size, 1)];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new Lineage(batch, i, size, step, parent);
        }

        return items;
    }

    /// <summary>As stored beside an event: the frames outermost first, <c>batch.index.size.step</c>, separated by <c>/</c>.</summary>
    public static string? Format(Lineage? lineage)
    {
        if (lineage is null)
        {
            return null;
        }

        var text = new StringBuilder();
        Append(text, lineage);
        return text.ToString();

        static void Append(StringBuilder text, Lineage frame)
        {
            if (frame.Parent is { } parent)
            {
                Append(text, parent);
                text.Append('/');
            }

            text.Append(CultureInfo.InvariantCulture, $"{frame.Batch}.{frame.Index}.{frame.Size}.{frame.Step}");
        }
    }

    /// <summary>Reads what <see cref="Format"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not a lineage.</exception>
    public static Lineage? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        Lineage? lineage = null;
        foreach (string frame in text.Split('/'))
        {
            string[] parts = frame.Split('.');
            if (parts.Length != 4)
            {
                throw new FormatException($"'{text}' is not an event's lineage (frames of batch.index.size.step separated by '/').");
            }

            lineage = new Lineage(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                int.Parse(parts[2], CultureInfo.InvariantCulture),
                int.Parse(parts[3], CultureInfo.InvariantCulture),
                lineage);
        }

        return lineage;
    }
}
