namespace Workflows.Tests.Flows;

public sealed record Draft(string Text) : StartEvent;
public sealed record ReviewRequested(string Text) : InputRequiredEvent;
public sealed record Verdict(bool Approved, string Reviewer) : HumanResponseEvent;
public sealed record Decided(string Outcome) : StopEvent;

/// <summary>Human in the loop by events: a step returns an InputRequiredEvent; another consumes the answer.</summary>
[Workflow]
public partial class ApprovalByEventsFlow
{
    [Step]
    public static ReviewRequested Ask(Draft draft) => new(draft.Text);

    [Step]
    public static Decided Decide(Verdict verdict) =>
        new(verdict.Approved ? $"approved by {verdict.Reviewer}" : $"rejected by {verdict.Reviewer}");
}

/// <summary>Human in the loop inside one step: ctx.WaitForAsync.</summary>
[Workflow]
public partial class ApprovalByWaitFlow
{
    [Step]
    public static async Task<Decided> Review(Draft draft, WorkflowContext ctx, CancellationToken ct)
    {
        Verdict verdict = await ctx.WaitForAsync<Verdict>(new ReviewRequested(draft.Text), ct);
        return new Decided(verdict.Approved ? $"approved by {verdict.Reviewer}" : $"rejected by {verdict.Reviewer}");
    }
}

/// <summary>Waits for the answer only so long (on the run's clock): null when it does not come in time.</summary>
[Workflow]
public partial class ApprovalWithDeadlineFlow
{
    [Step]
    public static async Task<Decided> Review(Draft draft, WorkflowContext ctx, CancellationToken ct)
    {
        Verdict? verdict = await ctx.WaitForAsync<Verdict>(new ReviewRequested(draft.Text), TimeSpan.FromHours(1), ct);
        return new Decided(verdict is null ? "no answer within the hour" : $"answered by {verdict.Reviewer}");
    }
}

/// <summary>Takes an answer from outside, but its first step decides not to ask: nothing open, nothing pending.</summary>
[Workflow]
public partial class QuietFlow
{
    [Step]
    public static ReviewRequested? Ask(Draft draft) => null;

    [Step]
    public static Decided Decide(Verdict verdict) => new(verdict.Reviewer);
}
