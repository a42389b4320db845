using System.Text.Json.Serialization;
using Workflows;
using Workflows.Durable;

namespace Tour.Versions;

public sealed record Request(string Id) : StartEvent;
public sealed record Review(string Id) : InputRequiredEvent;
public sealed record Verdict(bool Ok) : HumanResponseEvent;
public sealed record Checked(bool Ok) : Event;
public sealed record Decided(bool Ok, string By) : StopEvent;

[Workflow(Name = "Approval")]
public partial class ApprovalFlowV1
{
    [Step]
    public static Review Ask(Request request) => new(request.Id);

    [Step]
    public static Decided Decide(Verdict verdict) => new(verdict.Ok, "v1");
}

[Workflow(Name = "Approval", Version = 2)]
public partial class ApprovalFlow
{
    [Step]
    public static Review Ask(Request request) => new(request.Id);

    [Step]
    public static Checked Check(Verdict verdict) => new(verdict.Ok);

    [Step]
    public static Decided Finish(Checked check) => new(check.Ok, "v2");
}

[JsonSerializable(typeof(Request))]
[JsonSerializable(typeof(Review))]
[JsonSerializable(typeof(Verdict))]
[JsonSerializable(typeof(Checked))]
[JsonSerializable(typeof(Decided))]
public sealed partial class ApprovalJson : JsonSerializerContext;

public static class Registration
{
    public static WorkflowRuntime AddApproval(WorkflowRuntime runtime, ApprovalJson json) =>
        runtime.Register(() => new ApprovalFlow(), json)     // new runs: StartRunAsync("Approval", …) or StartRunAsync<ApprovalFlow>
               .Register(() => new ApprovalFlowV1(), json);  // finishes the runs stored under version 1
}
