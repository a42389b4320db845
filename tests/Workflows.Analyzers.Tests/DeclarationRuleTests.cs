namespace Workflows.Analyzers.Tests;

/// <summary>WF0005 (each wrong part of a signature) and WF0007 (partial, [Step] placement).</summary>
public class DeclarationRuleTests
{
    private const string Events = """
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Go : StartEvent;
        public sealed record Done : StopEvent;

        """;

    [Fact]
    public Task WF0005_fires_on_a_return_type_that_is_not_a_step_shape() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
                [Step] public static [|Task<int>|] Count(Go go) => Task.FromResult(1);
            }
            """,
            new Expected("WF0005", "Step 'Count' returns 'Task<int>'; a step returns void, Task, ValueTask, an event, a OneOf<…> of events, or a Task or ValueTask of one of those"));

    [Fact]
    public Task WF0005_fires_on_an_event_parameter_that_is_not_an_Event() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
                [Step] public static void Log([|string|] text) { }
            }
            """,
            new Expected("WF0005", "Step 'Log' takes 'string', which is not an Event; its first parameter must be a class derived from Workflows.Event"));

    [Fact]
    public Task WF0005_fires_on_a_missing_event_parameter() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
                [Step] public static void Tick[|()|] { }
            }
            """,
            new Expected("WF0005", "Step 'Tick' takes no event; its first parameter must be the event it handles"));

    [Fact]
    public Task WF0005_fires_on_each_parameter_out_of_place() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start(Go go, CancellationToken ct, [|WorkflowContext|] ctx) => new();
            }
            """,
            new Expected("WF0005", "Step 'Start' has an unexpected parameter of type 'WorkflowContext'; after its event a step takes an optional WorkflowContext, then an optional CancellationToken"));

    [Fact]
    public Task WF0005_fires_on_a_parameter_passed_by_reference() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start([|in Go go|]) => new();
            }
            """,
            new Expected("WF0005", "Step 'Start' takes its 'Go' parameter by reference; step parameters are passed by value"));

    [Fact]
    public Task WF0005_fires_on_a_generic_step() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start[|<T>|](Go go) => new();
            }
            """,
            new Expected("WF0005", "Step 'Start' must not be generic; a step handles one concrete event type"));

    [Fact]
    public Task WF0005_fires_on_async_void() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
                [Step] public static async [|void|] Fire(Go go) => await Task.Yield();
            }
            """,
            new Expected("WF0005", "Step 'Fire' is 'async void', so its exceptions would escape the run; return Task instead"));

    [Fact]
    public Task WF0005_stays_silent_on_every_accepted_parameter_list() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            public sealed record A : Event;
            public sealed record B : Event;
            [Workflow]
            public partial class Flow
            {
                [Step] public static A One(Go go) => new();
                [Step] public static B Two(A a, WorkflowContext ctx) => new();
                [Step] public static Task<Done> Three(B b, CancellationToken ct) => Task.FromResult(new Done());
                [Step] public static void Four(B b, WorkflowContext ctx, CancellationToken ct) { }
            }
            """);

    [Fact]
    public Task WF0007_fires_on_the_name_of_a_workflow_class_that_is_not_partial() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public class [|Flow|]
            {
                [Step] public static Done Start(Go go) => new();
            }
            """,
            new Expected("WF0007", "Workflow class 'Flow' must be partial, so the generator can add RunAsync and Graph to it"));

    [Fact]
    public Task WF0007_fires_on_a_containing_type_that_is_not_partial() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            public static class [|Outer|]
            {
                [Workflow]
                public partial class Flow
                {
                    [Step] public static Done Start(Go go) => new();
                }
            }
            """,
            new Expected("WF0007", "Type 'Outer' must be partial, because it contains the workflow class 'Flow'"));

    [Fact]
    public Task WF0007_fires_on_a_Step_attribute_outside_a_workflow_class() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            public class Helpers
            {
                [[|Step|]] public static Done Start(Go go) => new();
            }
            """,
            new Expected("WF0007", "[Step] method 'Start' is in 'Helpers', which is not a [Workflow] class; mark 'Helpers' with [Workflow] or remove [Step]"));

    [Fact]
    public Task WF0007_stays_silent_on_partial_workflows_nested_in_partial_types() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            public static partial class Outer
            {
                [Workflow]
                internal partial class Flow
                {
                    [Step] public static Done Start(Go go) => new();
                }
            }
            """);
}
