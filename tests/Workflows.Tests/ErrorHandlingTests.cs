using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class ErrorHandlingTests
{
    [Fact]
    public async Task An_error_handler_turns_a_steps_final_failure_into_an_event()
    {
        CheckedOut done = await Within.Seconds(new RecoveringFlow().RunAsync(new Checkout(2)).Result);

        Assert.Equal(
            ["invoiced after 2 attempts of Charge: card 0 declined", "invoiced after 2 attempts of Charge: card 1 declined"],
            done.Charges);
    }

    [Fact]
    public async Task Past_its_recoveries_the_failure_fails_the_run_as_thrown()
    {
        var error = await Assert.ThrowsAsync<PaymentDeclinedException>(() => Within.Seconds(new RecoveringFlow().RunAsync(new Checkout(3)).Result));

        Assert.Equal("card 2 declined", error.Message);
    }

    [Fact]
    public void The_graph_shows_the_handler_edge()
    {
        Assert.Contains(RecoveringFlow.Graph.Edges, e => e.From == "Charge" && e.To == "Invoice" && e.Event.Kind == EventKind.StepFailed);
    }
}
