using Workflows.Tests.Flows;

namespace Workflows.Tests;

public class OneOfTests
{
    [Fact]
    public void Each_arm_converts_implicitly_and_reads_back()
    {
        OneOf<Book, Song> book = new Book("Dune");
        OneOf<Book, Song> song = new Song("Aria");

        Assert.Equal(1, book.Index);
        Assert.True(book.IsT1);
        Assert.Equal("Dune", book.AsT1.Name);
        Assert.True(song.TryPickT2(out Song? picked));
        Assert.Equal("Aria", picked.Name);
        Assert.False(song.TryPickT1(out _));
        Assert.Equal("song Aria", song.Match(b => $"book {b.Name}", s => $"song {s.Name}"));
    }

    [Fact]
    public void Value_is_pattern_friendly()
    {
        OneOf<Book, Song, Order> value = new Song("Aria");

        string text = value.Value switch
        {
            Book b => b.Name,
            Song { Name: var name } => $"song {name}",
            _ => "other",
        };

        Assert.Equal("song Aria", text);
        Assert.True(value is { Value: Song });
    }

    [Fact]
    public void Equality_compares_arm_and_event()
    {
        OneOf<Book, Song> a = new Book("Dune");
        OneOf<Book, Song> b = new Book("Dune");
        OneOf<Book, Song> c = new Book("Emma");

        Assert.True(a == b);
        Assert.True(a != c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Misuse_gets_a_clear_error()
    {
        OneOf<Book, Song> song = new Song("Aria");
        OneOf<Book, Song> empty = default;

        Assert.Equal(
            "This OneOf<Book, Song> holds arm 2 (Song), not arm 1 (Book). Check Index or use TryPick first.",
            Assert.Throws<InvalidOperationException>(() => song.AsT1).Message);
        Assert.StartsWith("This OneOf<Book, Song> is default and holds no event.", Assert.Throws<InvalidOperationException>(() => empty.Value).Message, StringComparison.Ordinal);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => (OneOf<Book, Song>)(Book)null!).ParamName);
    }

    [Fact]
    public void The_largest_OneOf_has_eight_arms()
    {
        OneOf<Book, Song, Order, Nudge, Nudged, Stray, Declared, Knock> eighth = new Knock();

        Assert.Equal(8, eighth.Index);
        Assert.True(eighth.IsT8);
    }
}
