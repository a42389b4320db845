using System;
using System.Collections.Generic;

namespace Workflows.Rules;

/// <summary>What one change to a workflow's shape is about.</summary>
internal enum ShapeChangeKind
{
    /// <summary>A step stored runs may have deliveries for is gone.</summary>
    StepRemoved,

    /// <summary>A step has another position: stored deliveries name steps by position.</summary>
    StepMoved,

    /// <summary>A step takes another event than stored deliveries carry.</summary>
    StepInputChanged,

    /// <summary>An event type stored runs may hold is no longer part of the workflow.</summary>
    EventRemoved,

    /// <summary>A member of an event is gone: stored events lose it.</summary>
    MemberRemoved,

    /// <summary>A member of an event has another type: stored events may not read as it.</summary>
    MemberRetyped,

    /// <summary>A new step after the shipped ones.</summary>
    StepAdded,

    /// <summary>A new event type.</summary>
    EventAdded,

    /// <summary>A new member of an event: stored events read it as its default.</summary>
    MemberAdded,

    /// <summary>A step produces other events, or has other options: nothing stored depends on it.</summary>
    StepChanged,
}

/// <summary>One difference between the shape stored runs started under and the shape of this build.</summary>
/// <remarks>Creates the change.</remarks>
/// <param name="kind">What it is about.</param>
/// <param name="subject">The step's name or the event's type (fully qualified).</param>
/// <param name="member">The member's name, for member changes.</param>
/// <param name="description">The change in words, for messages.</param>
internal sealed class ShapeChange(ShapeChangeKind kind, string subject, string? member, string description)
{
    /// <summary>What it is about.</summary>
    public ShapeChangeKind Kind { get; } = kind;

    /// <summary>The step's name or the event's type (fully qualified).</summary>
    public string Subject { get; } = subject;

    /// <summary>The member's name, for member changes.</summary>
    public string? Member { get; } = member;

    /// <summary>The change in words: "removes step 'Pack' (step 2)".</summary>
    public string Description { get; } = description;

    /// <summary>Whether runs stored under the old shape could be stranded or misread under the new one.</summary>
    public bool IsBreaking => Kind < ShapeChangeKind.StepAdded;
}

/// <summary>
/// Compares two shapes of one workflow (the text the generator writes: one <c>step</c> line per
/// step, one <c>event</c> line per event type) and says what changed and whether runs stored under
/// the old one can go on under the new one. The one set of rules for the compiler (the shipped
/// baseline, WF0024/WF0025) and for the runtime (which resumes stored runs under a compatible shape):
/// this file is compiled into both.
/// </summary>
internal static class ShapeChanges
{
    /// <summary>Every change from <paramref name="before"/> to <paramref name="after"/>: breaking ones first, each group in a fixed order.</summary>
    public static List<ShapeChange> Compare(string before, string after) =>
        Compare(Lines(before), Lines(after));

    /// <summary>Every change between two shapes given as lines.</summary>
    public static List<ShapeChange> Compare(IEnumerable<string> before, IEnumerable<string> after)
    {
        Shape old = Parse(before);
        Shape now = Parse(after);
        var changes = new List<ShapeChange>();
        foreach (KeyValuePair<string, StepLine> pair in old.Steps)
        {
            StepLine was = pair.Value;
            if (!now.Steps.TryGetValue(pair.Key, out StepLine? step))
            {
                changes.Add(new ShapeChange(ShapeChangeKind.StepRemoved, was.Name, null, $"removes step '{was.Name}' (step {was.Index})"));
                continue;
            }

            if (step.Index != was.Index)
            {
                changes.Add(new ShapeChange(ShapeChangeKind.StepMoved, was.Name, null, $"moves step '{was.Name}' from position {was.Index} to {step.Index}"));
            }

            if (step.Accepts != was.Accepts)
            {
                changes.Add(new ShapeChange(ShapeChangeKind.StepInputChanged, was.Name, null, $"changes step '{was.Name}' to take '{Display(step.Accepts)}' instead of '{Display(was.Accepts)}'"));
            }
            else if (step.Rest != was.Rest)
            {
                changes.Add(new ShapeChange(ShapeChangeKind.StepChanged, was.Name, null, $"changes what step '{was.Name}' produces or its options"));
            }
        }

        foreach (KeyValuePair<string, Dictionary<string, string>> pair in old.Events)
        {
            if (!now.Events.TryGetValue(pair.Key, out Dictionary<string, string>? members))
            {
                changes.Add(new ShapeChange(ShapeChangeKind.EventRemoved, pair.Key, null, $"no longer uses event '{Display(pair.Key)}'"));
                continue;
            }

            foreach (KeyValuePair<string, string> member in pair.Value)
            {
                if (!members.TryGetValue(member.Key, out string? type))
                {
                    changes.Add(new ShapeChange(ShapeChangeKind.MemberRemoved, pair.Key, member.Key, $"removes member '{member.Key}' from event '{Display(pair.Key)}'"));
                }
                else if (type != member.Value)
                {
                    changes.Add(new ShapeChange(ShapeChangeKind.MemberRetyped, pair.Key, member.Key, $"changes member '{member.Key}' of event '{Display(pair.Key)}' from '{member.Value}' to '{type}'"));
                }
            }
        }

        foreach (KeyValuePair<string, StepLine> pair in now.Steps)
        {
            if (!old.Steps.ContainsKey(pair.Key))
            {
                // A new step in the middle also moves the shipped ones after it, which is reported above.
                changes.Add(new ShapeChange(ShapeChangeKind.StepAdded, pair.Key, null, $"adds step '{pair.Key}' (step {pair.Value.Index})"));
            }
        }

        foreach (KeyValuePair<string, Dictionary<string, string>> pair in now.Events)
        {
            if (!old.Events.TryGetValue(pair.Key, out Dictionary<string, string>? members))
            {
                changes.Add(new ShapeChange(ShapeChangeKind.EventAdded, pair.Key, null, $"adds event '{Display(pair.Key)}'"));
                continue;
            }

            foreach (KeyValuePair<string, string> member in pair.Value)
            {
                if (!members.ContainsKey(member.Key))
                {
                    changes.Add(new ShapeChange(ShapeChangeKind.MemberAdded, pair.Key, member.Key, $"adds member '{member.Key}' to event '{Display(pair.Key)}' (stored events read it as its default)"));
                }
            }
        }

        // Breaking ones first, each group in the order found (List.Sort is not stable).
        var ordered = new List<ShapeChange>(changes.Count);
        foreach (bool breaking in new[] { true, false })
        {
            foreach (ShapeChange change in changes)
            {
                if (change.IsBreaking == breaking)
                {
                    ordered.Add(change);
                }
            }
        }

        return ordered;
    }

    /// <summary>Whether runs stored under <paramref name="before"/> can go on under <paramref name="after"/>.</summary>
    public static bool AreCompatible(string before, string after)
    {
        foreach (ShapeChange change in Compare(before, after))
        {
            if (change.IsBreaking)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A type name as people write it: without <c>global::</c>.</summary>
    public static string Display(string typeName) =>
        typeName.StartsWith("global::", StringComparison.Ordinal) ? typeName.Substring("global::".Length) : typeName;

    private static readonly char[] LineBreak = ['\n'];

    private static string[] Lines(string shape) => shape.Split(LineBreak, StringSplitOptions.RemoveEmptyEntries);

    private static Shape Parse(IEnumerable<string> lines)
    {
        var shape = new Shape();
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.StartsWith("step ", StringComparison.Ordinal))
            {
                // step {index} {Name}({Accepts}) -> [{produces}] workers={w} attempts={a}
                int space = line.IndexOf(' ', 5);
                int open = line.IndexOf('(', space + 1);
                int close = line.IndexOf(") -> ", open + 1, StringComparison.Ordinal);
                if (space < 0 || open < 0 || close < 0 || !TryParseIndex(line, 5, space, out int index))
                {
                    continue;
                }

                string name = line.Substring(space + 1, open - space - 1);
                shape.Steps[name] = new StepLine(index, name, line.Substring(open + 1, close - open - 1), line.Substring(close + 1));
            }
            else if (line.StartsWith("event ", StringComparison.Ordinal))
            {
                // event {Type} { {Type Name}, {Type Name} }
                int open = line.IndexOf(" { ", StringComparison.Ordinal);
                int close = line.LastIndexOf(" }", StringComparison.Ordinal);
                if (open < 0 || close < open)
                {
                    continue;
                }

                var members = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (string member in SplitTopLevel(line.Substring(open + 3, close - open - 3)))
                {
                    int last = member.LastIndexOf(' ');
                    if (last > 0)
                    {
                        members[member.Substring(last + 1)] = member.Substring(0, last);
                    }
                }

                shape.Events[line.Substring(6, open - 6)] = members;
            }
        }

        return shape;
    }

    /// <summary>The digits of <paramref name="text"/> from <paramref name="start"/> to <paramref name="end"/> as a number (without a substring: this runs on the runtime's resume path too).</summary>
    private static bool TryParseIndex(string text, int start, int end, out int index)
    {
        index = 0;
        for (int i = start; i < end; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (text[i] - '0');
        }

        return end > start;
    }

    /// <summary>Splits at the commas outside angle brackets and parentheses: a member's type may be generic or a tuple.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '<' or '(' or '[':
                    depth++;
                    break;
                case '>' or ')' or ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    AddPart(parts, text.Substring(start, i - start));
                    start = i + 1;
                    break;
            }
        }

        AddPart(parts, text.Substring(start));
        return parts;
    }

    private static void AddPart(List<string> parts, string part)
    {
        string trimmed = part.Trim();
        if (trimmed.Length > 0)
        {
            parts.Add(trimmed);
        }
    }

    private sealed class Shape
    {
        public Dictionary<string, StepLine> Steps { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, string>> Events { get; } = new(StringComparer.Ordinal);
    }

    private sealed class StepLine(int index, string name, string accepts, string rest)
    {
        public int Index { get; } = index;

        public string Name { get; } = name;

        public string Accepts { get; } = accepts;

        /// <summary>What it produces and its options: <c>-> [...] workers=1 attempts=1</c>.</summary>
        public string Rest { get; } = rest;
    }
}
