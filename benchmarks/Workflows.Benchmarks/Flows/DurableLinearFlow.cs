using System.Text.Json.Serialization;
using Workflows;

namespace Workflows.Benchmarks.Flows;

/// <summary>The 3-step linear flow as an instance workflow, so it can run durably.</summary>
[Workflow]
public partial class DurableLinearFlow
{
    [Step]
    public static Doubled Twice(Begin begin) => new(begin.Value * 2);

    [Step]
    public static Incremented Increment(Doubled doubled) => new(doubled.Value + 1);

    [Step]
    public static Finished Finish(Incremented incremented) => new(incremented.Value);
}

[JsonSerializable(typeof(Begin))]
[JsonSerializable(typeof(Doubled))]
[JsonSerializable(typeof(Incremented))]
[JsonSerializable(typeof(Finished))]
public sealed partial class BenchmarkJson : JsonSerializerContext;
