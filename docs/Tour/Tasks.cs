using Workflows;
using Workflows.Durable;

namespace Tour.Tasks;

public sealed record ContractSubmitted(string Name) : StartEvent;
public sealed record ReviewRequested(string Name) : InputRequiredEvent;
public sealed record ReviewDecision(bool Approve) : HumanResponseEvent;
public sealed record ReviewOverdue(string Name) : Event;
public sealed record Reviewed(string Name, bool Approved) : StopEvent;

/// <summary>A question assigned to people, due in four hours; past due, the contract is rejected by default.</summary>
[Workflow]
public partial class ContractFlow
{
    [Step, Emits(typeof(ReviewOverdue))]
    public static ReviewRequested Ask(ContractSubmitted contract) => new(contract.Name)
    {
        Assignment = new()
        {
            Title = $"Review {contract.Name}",
            Users = ["ana"],                            // these users,
            Roles = ["legal"],                          // and members of these roles, may answer
            Priority = 2,
            DueIn = TimeSpan.FromHours(4),
            Overdue = new ReviewOverdue(contract.Name), // sent into the run if still unanswered then
        },
    };

    [Step] public static Reviewed Decide(ReviewDecision decision) => new("contract", decision.Approve);
    [Step] public static Reviewed RejectByDefault(ReviewOverdue overdue) => new(overdue.Name, Approved: false);

    public static async Task WorkTheInboxAsync(WorkflowRuntime runtime)
    {
        var bo = new TaskActor("bo", ["legal"]);
        HumanTaskPage mine = await runtime.Tasks.ListAsync(new HumanTaskQuery { User = bo.UserId, Roles = [.. bo.Roles], Sort = HumanTaskSort.Due });
        long task = mine.Tasks[0].TaskId;
        await runtime.Tasks.ClaimAsync(task, bo);                          // only bo may answer now
        await runtime.Tasks.DelegateAsync(task, bo, "cy", "cy wrote it");  // cy is now its only assignee
        await runtime.Tasks.AnswerAsync(task, new TaskActor("cy", []), new ReviewDecision(Approve: true));
    }
}
