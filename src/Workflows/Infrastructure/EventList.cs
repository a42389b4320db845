using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// The events of a fan-out or a join, as generated code hands them to a run: a step returning
/// <c>IReadOnlyList&lt;T&gt;</c> gives the run its items in one of these, and a join step receives its
/// gathered items in one. It never reaches a step or the stream as an event of its own.
/// </summary>
/// <param name="Items">The items, in order.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record EventList(IReadOnlyList<Event> Items) : Event
{
    /// <summary>The items of a join's list, typed for the join step.</summary>
    /// <typeparam name="T">The item type the join step takes.</typeparam>
    /// <param name="ev">The <see cref="EventList"/> the run delivered.</param>
    /// <returns>The items, in the fan-out's order.</returns>
    public static IReadOnlyList<T> ItemsOf<T>(Event ev)
        where T : Event
    {
        IReadOnlyList<Event> items = ((EventList)ev).Items;
        var typed = new T[items.Count];
        for (int i = 0; i < typed.Length; i++)
        {
            typed[i] = (T)items[i];
        }

        return typed;
    }
}
