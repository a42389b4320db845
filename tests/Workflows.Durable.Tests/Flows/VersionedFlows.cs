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
