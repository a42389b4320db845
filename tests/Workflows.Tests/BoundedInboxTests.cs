using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

/// <summary>RunOptions.InboxCapacity: events sent in beyond it wait for the run's loop to take them.</summary>
public class BoundedInboxTests
{
    [Fact]
    public async Task A_sender_beyond_the_capacity_waits_until_the_loop_takes_an_event_and_nothing_is_lost()
    {
        using var gate = new Gate();
        WorkflowHandler<Tapped> handler = new GateFlow().RunAsync(new Hold(gate.Id), new RunOptions { InboxCapacity = 2 });
        await gate.EnteredAsync();

        // The loop is held by a step: two taps fit, the third waits for room.
        Task first = handler.SendEventAsync(new Tap(1)).AsTask();
        Task second = handler.SendEventAsync(new Tap(2)).AsTask();
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully, "The first two events should have fitted.");
        Task third = handler.SendEventAsync(new Tap(3)).AsTask();
        await Task.Delay(100);
        Assert.False(third.IsCompleted, "The third event was taken although the inbox was full.");

        gate.Open();
        await Within.Seconds(third);
        Assert.Equal([1, 2, 3], (await Within.Seconds(handler.Result)).Numbers);
    }

    [Fact]
    public async Task A_sender_waiting_for_room_when_the_run_ends_gets_a_clear_error()
    {
        using var gate = new Gate();
        WorkflowHandler<Tapped> handler = new GateFlow().RunAsync(new Hold(gate.Id), new RunOptions { InboxCapacity = 1 });
        await gate.EnteredAsync();

        await handler.SendEventAsync(new Tap(1));
        Task second = handler.SendEventAsync(new Tap(2)).AsTask();
        handler.Cancel();
        gate.Open();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Within.Seconds(second));
        Assert.Contains("accepts no more events", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within.Seconds(handler.Result));
        Assert.Equal(WorkflowRunStatus.Cancelled, handler.Status);
    }

    [Fact]
    public void A_capacity_below_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RunOptions { InboxCapacity = 0 });
        Assert.Equal("value", error.ParamName);
    }

    /// <summary>The gate GateFlow's blocking step waits at, and a signal that the step has reached it.</summary>
    private sealed class Gate : IDisposable
    {
        private readonly SemaphoreSlim _entered = new(0);
        private readonly ManualResetEventSlim _gate = new();

        public Gate() => GateFlow.Gates[Id] = (_entered, _gate);

        public string Id { get; } = Guid.NewGuid().ToString("N");

        public Task EnteredAsync() => Within.Seconds(_entered.WaitAsync());

        public void Open() => _gate.Set();

        public void Dispose()
        {
            _gate.Set();
            GateFlow.Gates.TryRemove(Id, out _);
            _entered.Dispose();
        }
    }
}
