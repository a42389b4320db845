namespace Workflows.Tests.Flows.Alpha
{
    public sealed record Go : StartEvent;
    public sealed record Gone(string From) : StopEvent;

    /// <summary>Same name as Beta.SameName: the generated files must not collide.</summary>
    [Workflow]
    public partial class SameName
    {
        [Step]
        public static Gone Run(Go go) => new("alpha");
    }
}

namespace Workflows.Tests.Flows.Beta
{
    public sealed record Go : StartEvent;
    public sealed record Gone(string From) : StopEvent;

    [Workflow]
    public partial class SameName
    {
        [Step]
        public static Gone Run(Go go) => new("beta");
    }
}

namespace Workflows.Tests.Flows
{
    public sealed record Knock : StartEvent;
    public sealed record Answered(string By) : StopEvent;

    /// <summary>Workflows nested in other types, including a generic one.</summary>
    public static partial class Outer
    {
        [Workflow]
        public partial class InnerFlow
        {
            [Step]
            private static Answered Open(Knock knock) => new("inner");
        }

        public partial class Generic<T>
        {
            [Workflow]
            public partial class DeepFlow
            {
                [Step]
                private Answered Open(Knock knock) => new(typeof(T).Name);
            }
        }
    }

    /// <summary>A static workflow class: RunAsync is static too.</summary>
    [Workflow]
    public static partial class StaticFlow
    {
        [Step]
        private static Answered Open(Knock knock) => new("static");
    }
}
