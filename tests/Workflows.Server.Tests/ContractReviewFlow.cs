using System.Text.Json.Serialization;

namespace Workflows.Server.Tests;

public sealed record ContractIn(string Name, int DueMilliseconds, bool Escalate = true) : StartEvent;
public sealed record ContractReviewAsked(string Name) : InputRequiredEvent;
public sealed record ContractDecision(bool Approve) : HumanResponseEvent;
public sealed record ContractOverdue(string Name) : Event;
public sealed record ContractDone(string Name, bool Approved, bool ByDefault) : StopEvent;

/// <summary>Asks user u-ana or the legal role to review a contract by a due time; past it, the contract is rejected by default.</summary>
[Workflow]
public partial class ContractReviewFlow
{
    [Step, Emits(typeof(ContractOverdue))]
    public static ContractReviewAsked Ask(ContractIn contract, WorkflowContext ctx)
    {
        ctx.Store.Set("name", contract.Name);
        return new ContractReviewAsked(contract.Name)
        {
            Assignment = new()
            {
                Title = $"Review {contract.Name}",
                Users = ["u-ana"],
                Roles = ["legal"],
                Priority = 1,
                DueIn = TimeSpan.FromMilliseconds(contract.DueMilliseconds),
                Overdue = contract.Escalate ? new ContractOverdue(contract.Name) : null,
            },
        };
    }

    [Step]
    public static ContractDone Decide(ContractDecision decision, WorkflowContext ctx) => new(ctx.Store.Get<string>("name"), decision.Approve, ByDefault: false);

    [Step]
    public static ContractDone Reject(ContractOverdue overdue) => new(overdue.Name, Approved: false, ByDefault: true);
}

[JsonSerializable(typeof(ContractIn))]
[JsonSerializable(typeof(ContractReviewAsked))]
[JsonSerializable(typeof(ContractDecision))]
[JsonSerializable(typeof(ContractOverdue))]
[JsonSerializable(typeof(ContractDone))]
public sealed partial class ContractReviewJson : JsonSerializerContext;
