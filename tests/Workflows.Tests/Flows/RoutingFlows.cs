using System.Collections.Concurrent;

namespace Workflows.Tests.Flows;

public sealed record Order(string Kind) : StartEvent;
public abstract record Item(string Name) : Event;
public sealed record Book(string Name) : Item(Name);
public sealed record Song(string Name) : Item(Name);
public sealed record Shipped(string Summary) : StopEvent;

/// <summary>A base-type step receives every subtype; two steps taking the same type both receive it.</summary>
[Workflow]
public partial class RoutingFlow
{
    public ConcurrentQueue<string> Seen { get; } = new();

    [Step]
    public static OneOf<Book, Song> Pick(Order order) => order.Kind == "book" ? new Book("Dune") : new Song("Aria");

    [Step]
    public void SeeAnyItem(Item item) => Seen.Enqueue($"item:{item.Name}");

    [Step]
    public void SeeBooks(Book book) => Seen.Enqueue($"book:{book.Name}");

    [Step]
    public Shipped? ShipBook(Book book) => new($"shipped {book.Name}");

    [Step]
    public Shipped? ShipSong(Song song) => new($"shipped {song.Name}");
}

public sealed record Nudge(int Value) : StartEvent;
public sealed record Nudged(int Value) : StopEvent;
public sealed record Stray(int Value) : Event;
public sealed record Declared(int Value) : Event;

/// <summary>Sends an event through ctx.Send that no step takes: the run must fail saying so.</summary>
[Workflow]
public partial class UnroutedFlow
{
    // WF0011 would stop this at build time; it is silenced here to test what the runtime does if it is not.
#pragma warning disable WF0011, WF0012
    [Step, Emits(typeof(Declared))]
    public static void Start(Nudge nudge, WorkflowContext ctx) => ctx.Send(new Stray(nudge.Value));
#pragma warning restore WF0011, WF0012

    [Step]
    public static Nudged Finish(Declared declared) => new(declared.Value);
}

/// <summary>A step returns null and nothing else is pending: the run must fail as stalled, not hang.</summary>
[Workflow]
public partial class StallingFlow
{
    [Step]
    public static Declared? Start(Nudge nudge) => null;

    [Step]
    public static Nudged Finish(Declared declared) => new(declared.Value);
}

/// <summary>A step that always throws its own exception type.</summary>
[Workflow]
public partial class FailingFlow
{
    [Step]
    public static Declared Start(Nudge nudge) => new(nudge.Value);

    [Step]
    public static Nudged Explode(Declared declared) =>
        throw new FormatException($"bad value {declared.Value}");
}
