using System.Text.Json.Serialization;

namespace Workflows.Durable.Tests.Flows;

public sealed record Contract(string Name, int DueMilliseconds = 0, bool Escalate = false) : StartEvent;
public sealed record ReviewRequested(string Name) : InputRequiredEvent;
public sealed record ReviewDecision(bool Approved) : HumanResponseEvent;
public sealed record ReviewOverdue(string Name) : Event;
public sealed record Reviewed(string Name, bool Approved, bool ByDefault, string? By = null) : StopEvent;

/// <summary>
/// Asks the legal team (or ana) to review a contract, by a due time; past it, the overdue event decides
/// by default. The question is returned, so the run waits for a person with no step waiting.
/// </summary>
[Workflow]
public partial class ContractFlow
{
    [Step, Emits(typeof(ReviewOverdue))]
    public static ReviewRequested Ask(Contract contract, WorkflowContext ctx)
    {
        ctx.Store.Set("name", contract.Name);
        return new ReviewRequested(contract.Name)
        {
            Assignment = new()
            {
                Title = $"Review {contract.Name}",
                Users = ["ana"],
                Roles = ["legal"],
                Priority = 2,
                DueIn = contract.DueMilliseconds > 0 ? TimeSpan.FromMilliseconds(contract.DueMilliseconds) : null,
                Overdue = contract.Escalate ? new ReviewOverdue(contract.Name) : null,
            },
        };
    }

    [Step]
    public static Reviewed Decide(ReviewDecision decision, WorkflowContext ctx) => new(ctx.Store.Get<string>("name"), decision.Approved, ByDefault: false, decision.AnsweredBy);

    [Step]
    public static Reviewed DecideByDefault(ReviewOverdue overdue) => new(overdue.Name, Approved: false, ByDefault: true);
}

/// <summary>A step that waits for the finance role's sign-off in place (WaitForAsync): the answer goes to that step.</summary>
[Workflow]
public partial class SignOffFlow
{
    [Step]
    public static async Task<Reviewed> SignOff(Contract contract, WorkflowContext ctx)
    {
        ReviewDecision decision = await ctx.WaitForAsync<ReviewDecision>(
            new ReviewRequested(contract.Name) { Assignment = new() { Roles = ["finance"] } });
        return new Reviewed(contract.Name, decision.Approved, ByDefault: false, decision.AnsweredBy);
    }
}

[JsonSerializable(typeof(Contract))]
[JsonSerializable(typeof(ReviewRequested))]
[JsonSerializable(typeof(ReviewDecision))]
[JsonSerializable(typeof(ReviewOverdue))]
[JsonSerializable(typeof(Reviewed))]
public sealed partial class TaskJson : JsonSerializerContext;
