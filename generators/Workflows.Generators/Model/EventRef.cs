using System.Linq;

namespace Workflows.Generators.Model;

/// <summary>
/// An event type, reduced to names: how to write it in code, how to show it to a person, its role,
/// and its base types (so the graph rules can tell which steps accept it without a symbol).
/// </summary>
/// <param name="TypeName">Fully qualified, with <c>global::</c>: <c>global::Docs.Approved</c>.</param>
/// <param name="DisplayName">As a person reads it: <c>Approved</c>, <c>Outer.Approved</c>.</param>
/// <param name="Role">Start, Stop, InputRequired, HumanResponse or a plain event.</param>
/// <param name="Bases">Fully qualified base types, nearest first, ending with <c>global::Workflows.Event</c>.</param>
/// <param name="Members">Its public instance properties as <c>Type Name</c>, base types' first: what a stored event's JSON holds.</param>
/// <param name="TitleMember">The property marked <c>[RunTitle]</c> (on it, or on its positional record parameter), if any.</param>
internal sealed record EventRef(string TypeName, string DisplayName, EventRole Role, EquatableArray<string> Bases, string Members, string? TitleMember = null)
{
    /// <summary>How far the type is from <c>Workflows.Event</c>; more derived types route first.</summary>
    public int Depth => Bases.Count;

    /// <summary>Whether an instance of this type is always an instance of <paramref name="other"/>.</summary>
    public bool IsAssignableTo(EventRef other) => TypeName == other.TypeName || Bases.Contains(other.TypeName);

    /// <summary>
    /// Whether an event of this type could be received by a step that takes <paramref name="other"/>
    /// or the other way round: the same type, or one derives from the other. The graph rules use this
    /// lenient relation, since a step returning a base type may produce any of its subtypes.
    /// </summary>
    public bool IsRelatedTo(EventRef other) => IsAssignableTo(other) || other.IsAssignableTo(this);
}
