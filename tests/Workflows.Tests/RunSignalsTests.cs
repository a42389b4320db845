using Workflows.Durable;

namespace Workflows.Tests;

/// <summary>The durable runtime's local wake-ups: a run is known only while someone follows it.</summary>
public sealed class RunSignalsTests
{
    [Fact]
    public void A_follower_that_leaves_without_any_change_leaves_nothing_behind()
    {
        var signals = new RunSignals();
        for (int i = 0; i < 1000; i++)
        {
            using RunSignals.Follower follower = signals.Follow($"run-{i}");
            _ = follower.Next();
        }

        Assert.Equal(0, signals.Count);
    }

    [Fact]
    public async Task A_change_wakes_every_follower_of_its_run_and_no_other()
    {
        var signals = new RunSignals();
        using RunSignals.Follower first = signals.Follow("a");
        using RunSignals.Follower second = signals.Follow("a");
        using RunSignals.Follower other = signals.Follow("b");
        Task firstChanged = first.Next();
        Task secondChanged = second.Next();
        Task otherChanged = other.Next();

        signals.Pulse("a");

        await firstChanged.WaitAsync(TimeSpan.FromSeconds(5));
        await secondChanged.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(otherChanged.IsCompleted);
        Assert.False(first.Next().IsCompleted, "The next change is a new one.");
        Assert.Equal(2, signals.Count);
    }

    [Fact]
    public void The_run_stays_known_until_its_last_follower_leaves()
    {
        var signals = new RunSignals();
        RunSignals.Follower first = signals.Follow("a");
        RunSignals.Follower second = signals.Follow("a");

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, signals.Count);
        Task changed = second.Next();
        signals.Pulse("a");
        Assert.True(changed.IsCompleted);

        second.Dispose();
        Assert.Equal(0, signals.Count);
        Assert.Throws<ObjectDisposedException>(() => { _ = second.Next(); });
    }

    [Fact]
    public void A_change_nobody_follows_is_not_kept()
    {
        var signals = new RunSignals();
        signals.Pulse("a");
        Assert.Equal(0, signals.Count);

        using RunSignals.Follower follower = signals.Follow("a");
        Assert.False(follower.Next().IsCompleted, "A change before following does not wake a later follower.");
    }
}
