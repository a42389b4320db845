using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers.Tests;

/// <summary>WF0009, WF0010, WF0014: rules over the whole graph, beyond a single step.</summary>
public class WholeGraphRuleTests
{
    private const string Events = """
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Submitted : StartEvent;
        public sealed record Drafted : Event;
        public sealed record Approved : Event;
        public sealed record Published : StopEvent;
        public sealed record NeedsReview : InputRequiredEvent;
        public sealed record ReviewAnswer : HumanResponseEvent;

        """;

    [Fact]
    public Task WF0009_fires_on_steps_that_only_feed_each_other() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Published Start(Submitted submitted) => new();
                [Step] public static Approved Ping([|Drafted|] drafted) => new();
                [Step] public static OneOf<Drafted, Published> Pong([|Approved|] approved) => new Published();
            }
            """,
            new Expected("WF0009", "'Ping' can never run: no event reaches its 'Drafted' from the StartEvent 'Submitted' or from outside"),
            new Expected("WF0009", "'Pong' can never run: no event reaches its 'Approved' from the StartEvent 'Submitted' or from outside"));

    [Fact]
    public Task WF0009_stays_silent_on_steps_reached_only_through_human_responses() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static NeedsReview Ask(Submitted submitted) => new();
                [Step] public static Drafted Answer(ReviewAnswer answer) => new();
                [Step] public static Published Publish(Drafted drafted) => new();
            }
            """);

    [Fact]
    public Task WF0009_stays_silent_on_steps_reached_through_a_WaitForAsync_answer() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step]
                public static async Task<Published> Ask(Submitted submitted, WorkflowContext ctx)
                {
                    ReviewAnswer answer = await ctx.WaitForAsync<ReviewAnswer>(new NeedsReview());
                    return new Published();
                }

                [Step] public static void Audit(ReviewAnswer answer) { }
            }
            """);

    [Fact]
    public Task WF0010_warns_on_a_loop_with_no_exit() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static OneOf<Published, Drafted> Start(Submitted submitted) => new Published();
                [Step] public static [|Approved|] Loop(Drafted drafted) => new();
                [Step] public static [|Task<Drafted>|] Again(Approved approved) => Task.FromResult(new Drafted());
            }
            """,
            new Expected("WF0010", "Nothing 'Loop' produces can lead to the StopEvent or to an InputRequiredEvent, so a run that reaches it can never finish", DiagnosticSeverity.Warning),
            new Expected("WF0010", "Nothing 'Again' produces can lead to the StopEvent or to an InputRequiredEvent, so a run that reaches it can never finish", DiagnosticSeverity.Warning));

    [Fact]
    public Task WF0010_stays_silent_on_a_loop_with_an_exit_and_on_side_effect_steps() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Start(Submitted submitted) => new();
                [Step] public static Approved Loop(Drafted drafted) => new();
                [Step] public static OneOf<Drafted, Published> Again(Approved approved) => new Published();
                [Step] public static void Log(Drafted drafted) { }
            }
            """);

    [Fact]
    public Task WF0014_fires_on_the_second_step_of_the_same_name() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Handle(Submitted submitted) => new();
                [Step] public static Published [|Handle|](Drafted drafted) => new();
            }
            """,
            new Expected("WF0014", "Workflow 'Flow' has two steps named 'Handle' (taking 'Submitted' and 'Drafted'); a step's name identifies it in the graph, in errors and in traces, so rename one"));

    [Fact]
    public Task WF0014_stays_silent_when_names_differ() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static Published Publish(Drafted drafted) => new();
                public static void Handle(int notAStep) { }
                public static void Handle(string notAStepEither) { }
            }
            """);

    [Fact]
    public Task WF0028_fires_at_a_join_whose_items_come_from_no_fan_out() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static Published Merge([|System.Collections.Generic.IReadOnlyList<Drafted>|] all) => new();
            }
            """,
            new Expected("WF0028", "'Merge' joins the 'Drafted' items of one fan-out, but a 'Drafted' from 'Draft' reaches it outside any fan-out: no step before it returns a list. Return IReadOnlyList<...> from a step upstream, or take a single 'Drafted'."));

    [Fact]
    public Task WF0028_fires_at_a_join_of_the_StartEvent_itself() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Published Merge([|System.Collections.Generic.IReadOnlyList<Submitted>|] all) => new();
            }
            """,
            new Expected("WF0028", "'Merge' joins the 'Submitted' items of one fan-out, but a 'Submitted' from the caller reaches it outside any fan-out: no step before it returns a list. Return IReadOnlyList<...> from a step upstream, or take a single 'Submitted'."));

    [Fact]
    public Task WF0028_fires_when_one_of_two_paths_to_a_join_skips_the_fan_out() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted[] Start(Submitted submitted) => [];
                [Step] public static Drafted Shortcut(ReviewAnswer answer) => new();
                [Step] public static Published Merge([|System.Collections.Generic.IReadOnlyList<Drafted>|] all) => new();
            }
            """,
            new Expected("WF0028", "'Merge' joins the 'Drafted' items of one fan-out, but a 'Drafted' from 'Shortcut' reaches it outside any fan-out: no step before it returns a list. Return IReadOnlyList<...> from a step upstream, or take a single 'Drafted'."));

    [Fact]
    public Task WF0028_stays_silent_on_nested_fan_outs_each_closed_by_its_join_with_handlers_on_the_branches() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            public sealed record Checked : Event;
            public sealed record Grouped : Event;

            [Workflow]
            public partial class Flow
            {
                [Step] public static System.Collections.Generic.IReadOnlyList<Drafted> Split(Submitted submitted) => [];
                [Step] public static Task<Approved[]> Fan(Drafted drafted) => Task.FromResult(new Approved[0]);
                [Step] public static Checked Check(Approved approved) => new();
                [Step, CatchErrors(nameof(Check))] public static Checked Recover(StepFailedEvent failed) => new();
                [Step] public static Grouped Gather(System.Collections.Generic.IReadOnlyList<Checked> all) => new();
                [Step] public static Published Merge(System.Collections.Generic.IReadOnlyList<Grouped> all) => new();
            }
            """);
}
