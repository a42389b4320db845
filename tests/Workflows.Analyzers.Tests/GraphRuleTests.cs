namespace Workflows.Analyzers.Tests;

/// <summary>WF0001–WF0004, WF0006, WF0008: one positive and one negative test each, plus the exemptions.</summary>
public class GraphRuleTests
{
    private const string Events = """
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Submitted : StartEvent;
        public sealed record Resubmitted : StartEvent;
        public sealed record Drafted : Event;
        public sealed record Approved : Event;
        public sealed record Published : StopEvent;
        public sealed record Archived : StopEvent;
        public sealed record NeedsReview : InputRequiredEvent;
        public sealed record ReviewAnswer : HumanResponseEvent;

        """;

    [Fact]
    public Task WF0001_fires_on_the_class_name_when_no_step_consumes_a_StartEvent() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class [|Flow|]
            {
                [Step] public static Published Publish(Drafted drafted) => new();
                [Step] public static Drafted Draft(Approved approved) => new();
                [Step] public static Approved Approve(Drafted drafted) => new();
            }
            """,
            new Expected("WF0001", "Workflow 'Flow' has no step that consumes a StartEvent; add a step whose first parameter derives from StartEvent"));

    [Fact]
    public Task WF0002_fires_on_the_class_name_when_no_step_produces_a_StopEvent() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class [|Flow|]
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static void Log(Drafted drafted) { }
            }
            """,
            new Expected("WF0002", "Workflow 'Flow' has no step that produces a StopEvent; return an event that derives from StopEvent from one of its steps"));

    [Fact]
    public Task WF0003_fires_on_the_parameter_type_of_the_step_whose_event_nobody_produces() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Published Draft(Submitted submitted) => new();
                [Step] public static Published Review([|Approved|] approved) => new();
            }
            """,
            new Expected("WF0003", "'Review' consumes 'Approved', but no step produces it"));

    [Fact]
    public Task WF0003_exempts_HumanResponseEvents_which_come_from_outside() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static NeedsReview Ask(Submitted submitted) => new();
                [Step] public static Published Decide(ReviewAnswer answer) => new();
            }
            """);

    [Fact]
    public Task WF0004_fires_on_the_return_type_of_the_step_whose_event_nobody_consumes() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Task<[|Drafted|]> Draft(Submitted submitted) => Task.FromResult(new Drafted());
                [Step] public static Published Publish(Submitted submitted) => new();
            }
            """,
            new Expected("WF0004", "'Draft' produces 'Drafted', but no step consumes it"));

    [Fact]
    public Task WF0004_points_at_the_one_arm_of_a_OneOf_and_at_an_Emits_typeof() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof([|Approved|]))]
                public static ValueTask<OneOf<Published, [|Drafted|]>> Draft(Submitted submitted, WorkflowContext ctx)
                {
                    ctx.Send(new Approved());
                    return new(new Published());
                }
            }
            """,
            new Expected("WF0004", "'Draft' produces 'Approved', but no step consumes it"),
            new Expected("WF0004", "'Draft' produces 'Drafted', but no step consumes it"));

    [Fact]
    public Task WF0004_exempts_InputRequiredEvents_and_the_StopEvent_which_leave_the_run() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static OneOf<NeedsReview, Published> Ask(Submitted submitted) => new Published();
            }
            """);

    [Fact]
    public Task WF0006_fires_on_the_second_StartEvent_type() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Published First(Submitted submitted) => new();
                [Step] public static Published Second([|Resubmitted|] again) => new();
            }
            """,
            new Expected("WF0006", "Workflow 'Flow' has more than one StartEvent type: 'Second' consumes 'Resubmitted', while 'First' consumes 'Submitted'"));

    [Fact]
    public Task WF0006_fires_on_the_second_StopEvent_type() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static OneOf<Published, [|Archived|]> End(Submitted submitted) => new Published();
            }
            """,
            new Expected("WF0006", "Workflow 'Flow' has more than one StopEvent type: 'End' produces 'Archived', while 'End' produces 'Published'"));

    [Fact]
    public Task WF0006_accepts_StopEvent_subtypes_of_one_root() =>
        AnalyzerTest.VerifyCleanAsync("""
            using Workflows;
            public sealed record Go : StartEvent;
            public record Done : StopEvent;
            public sealed record DoneEarly : Done;
            [Workflow]
            public partial class Flow
            {
                [Step] public static OneOf<Done, DoneEarly> End(Go go) => new DoneEarly();
            }
            """);

    [Fact]
    public Task WF0008_fires_on_the_parameter_type_of_a_step_that_consumes_the_StopEvent() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Published Publish(Submitted submitted) => new();
                [Step] public static void Audit([|Published|] published) { }
            }
            """,
            new Expected("WF0008", "'Audit' consumes StopEvent 'Published', but a run ends when its StopEvent is produced, so no step ever receives it"));

    [Fact]
    public Task A_complete_workflow_with_every_return_shape_raises_nothing() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted? Draft(Submitted s) => new();
                [Step] private Task<Approved?> Approve(Drafted d, WorkflowContext ctx, CancellationToken ct) => Task.FromResult<Approved?>(new());
                [Step] internal ValueTask<OneOf<Published, NeedsReview>> Decide(Approved a) => new(new Published());
                [Step] protected Task<OneOf<Published, Drafted>> Retry(ReviewAnswer r) => Task.FromResult<OneOf<Published, Drafted>>(new Published());
                [Step] public void Log(Drafted d) { }
                [Step] public Task LogAsync(Approved a, CancellationToken ct) => Task.CompletedTask;
                [Step] public ValueTask LogValueAsync(Drafted d, WorkflowContext ctx) => default;
            }
            """);
}
