using Workflows.Tests.Flows;

namespace Workflows.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Linear_run_returns_the_stop_event()
    {
        Finished result = await new LinearFlow().RunAsync(new Begin(20));
        Assert.Equal(41, result.Value);
    }
}
