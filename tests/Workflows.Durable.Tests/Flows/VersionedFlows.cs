namespace Workflows.Durable.Tests.Flows.V1
{
    public sealed record Begin(int N) : StartEvent;
    public sealed record Middle(int N) : Event;
    public sealed record End(int N) : StopEvent;
    public sealed record Resume(int Add) : HumanResponseEvent;
    public sealed record Paused(int N) : InputRequiredEvent;

    /// <summary>Version 1 of a workflow that waits for a human, so a run of it can outlive the build.</summary>
    [Workflow]
    public partial class VersionedFlow
    {
        [Step]
        public static Paused Start(Begin begin) => new(begin.N);

        [Step]
        public static End Finish(Resume resume) => new(resume.Add);
    }
}

namespace Workflows.Durable.Tests.Flows.V2
{
    public sealed record Begin(int N) : StartEvent;
    public sealed record End(int N, string Note) : StopEvent;
    public sealed record Resume(int Add) : HumanResponseEvent;
    public sealed record Paused(int N) : InputRequiredEvent;

    /// <summary>Version 2: the StopEvent gained a member. Same name, another shape.</summary>
    [Workflow]
    public partial class VersionedFlow
    {
        [Step]
        public static Paused Start(Begin begin) => new(begin.N);

        [Step]
        public static End Finish(Resume resume) => new(resume.Add, "v2");
    }
}

namespace Workflows.Durable.Tests.Flows
{
    [System.Text.Json.Serialization.JsonSerializable(typeof(V1.Begin), TypeInfoPropertyName = "V1Begin")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V1.Middle), TypeInfoPropertyName = "V1Middle")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V1.End), TypeInfoPropertyName = "V1End")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V1.Resume), TypeInfoPropertyName = "V1Resume")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V1.Paused), TypeInfoPropertyName = "V1Paused")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V2.Begin), TypeInfoPropertyName = "V2Begin")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V2.End), TypeInfoPropertyName = "V2End")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V2.Resume), TypeInfoPropertyName = "V2Resume")]
    [System.Text.Json.Serialization.JsonSerializable(typeof(V2.Paused), TypeInfoPropertyName = "V2Paused")]
    public sealed partial class VersionJson : System.Text.Json.Serialization.JsonSerializerContext;
}

namespace Workflows.Durable.Tests.Flows.SideBySide
{
    public sealed record Request(string Id) : StartEvent;
    public sealed record Review(string Id) : InputRequiredEvent;
    public sealed record Verdict(bool Ok) : HumanResponseEvent;
    public sealed record Checked(bool Ok) : Event;
    public sealed record Decided(bool Ok, string By) : StopEvent;

    /// <summary>Version 1 of "Approval": kept registered beside version 2 to finish the runs it started.</summary>
    [Workflow(Name = "Approval")]
    public partial class ApprovalFlowV1
    {
        [Step]
        public static Review Ask(Request request) => new(request.Id);

        [Step]
        public static Decided Decide(Verdict verdict) => new(verdict.Ok, "v1");
    }

    /// <summary>Version 2: a step between the answer and the end, which runs stored under version 1 could not go on under.</summary>
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

    [System.Text.Json.Serialization.JsonSerializable(typeof(Request))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Review))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Verdict))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Checked))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Decided))]
    public sealed partial class SideBySideJson : System.Text.Json.Serialization.JsonSerializerContext;
}
