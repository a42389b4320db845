using Workflows;

namespace Tour.Retries;

public sealed record Parsed(string Text) : StartEvent;
public sealed record Summary(string Text) : StopEvent;

[Workflow]
public partial class SummaryFlow(Func<string, CancellationToken, Task<string>> summarize)
{
    [Step(MaxAttempts = 3, RetryDelayMs = 200, Backoff = Backoff.Exponential, TimeoutMs = 5_000)]
    public async Task<Summary> Summarize(Parsed parsed, CancellationToken ct) => new(await summarize(parsed.Text, ct));
}
