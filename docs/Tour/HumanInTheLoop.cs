using Workflows;

namespace Tour.HumanInTheLoop;

public sealed record Drafted(string Text) : StartEvent;
public sealed record ApprovalRequested(string Text) : InputRequiredEvent;
public sealed record ReviewerDecision(bool Approve) : HumanResponseEvent;
public sealed record Decided(string Outcome) : StopEvent;

/// <summary>A step returns the question; the caller answers it from the stream.</summary>
[Workflow]
public partial class AskingFlow
{
    [Step] public static ApprovalRequested Ask(Drafted draft) => new(draft.Text);
    [Step] public static Decided Decide(ReviewerDecision decision) => new(decision.Approve ? "published" : "rejected");

    public static async Task<Decided> ApproveAsync(AskingFlow flow, Drafted draft)
    {
        AskingFlow.Handler handler = flow.RunAsync(draft);

        // caller
        await foreach (Event ev in handler.StreamEvents())
            if (ev is ApprovalRequested) await handler.SendEventAsync(new ReviewerDecision(Approve: true));

        return await handler;
    }
}

/// <summary>A step waits in place for the answer.</summary>
[Workflow]
public partial class WaitingFlow
{
    [Step]
    public static async Task<Decided> Review(Drafted draft, WorkflowContext ctx, CancellationToken ct)
    {
        string text = draft.Text;
        ReviewerDecision decision = await ctx.WaitForAsync<ReviewerDecision>(new ApprovalRequested(text), ct);
        return new(decision.Approve ? "published" : "rejected");
    }
}
