namespace Workflows.Tests;

public class StateStoreTests
{
    [Fact]
    public void Values_round_trip_by_key_and_type()
    {
        var store = new StateStore();
        store.Set("count", 3);
        store.Set("name", "ana");
        store.Set<string?>("nothing", null);

        Assert.Equal(3, store.Get<int>("count"));
        Assert.True(store.TryGet("name", out string? name));
        Assert.Equal("ana", name);
        Assert.Null(store.Get<string?>("nothing"));
        Assert.False(store.TryGet("missing", out int _));
        Assert.True(store.Remove("count"));
        Assert.False(store.TryGet("count", out int _));
    }

    [Fact]
    public void A_missing_key_or_a_wrong_type_names_the_key_and_types()
    {
        var store = new StateStore();
        store.Set("count", 3);

        Assert.Equal(
            "The run's state has no value 'total'. Set it first, or read it with TryGet.",
            Assert.Throws<KeyNotFoundException>(() => store.Get<int>("total")).Message);
        Assert.Equal(
            "The run's state value 'count' is a Int32, not a String.",
            Assert.Throws<InvalidCastException>(() => store.Get<string>("count")).Message);
    }
}
