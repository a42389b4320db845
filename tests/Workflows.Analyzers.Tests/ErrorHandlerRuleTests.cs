namespace Workflows.Analyzers.Tests;

/// <summary>WF0017 and WF0018: error handlers must cover real steps, take a StepFailedEvent, and not overlap.</summary>
public class ErrorHandlerRuleTests
{
    private const string Events = """
        using Workflows;

        public sealed record Submitted : StartEvent;
        public sealed record Drafted : Event;
        public sealed record Published : StopEvent;

        """;

    [Fact]
    public Task WF0017_fires_on_a_name_that_is_not_a_step() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static Published Publish(Drafted drafted) => new();
                [Step, CatchErrors(nameof(Draft), [|"Publsh"|])] public static Drafted Recover(StepFailedEvent failed) => new();
            }
            """,
            new Expected("WF0017", "[CatchErrors] on 'Recover' names 'Publsh', which is not a step of 'Flow'"));

    [Fact]
    public Task WF0017_fires_on_a_handler_that_does_not_take_a_StepFailedEvent_and_on_one_missing_the_attribute() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step, CatchErrors(nameof(Draft))] public static Published Publish([|Drafted|] drafted) => new();
                [Step] public static Drafted Lost([|StepFailedEvent|] failed) => new();
            }
            """,
            new Expected("WF0017", "'Publish' has [CatchErrors] but takes 'Drafted'; an error handler takes a StepFailedEvent"),
            new Expected("WF0017", "'Lost' takes a StepFailedEvent but has no [CatchErrors], so no failure ever reaches it"));

    [Fact]
    public Task WF0018_fires_on_the_second_handler_covering_a_step() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static Published Publish(Drafted drafted) => new();
                [Step, CatchErrors(nameof(Draft))] public static Drafted RecoverA(StepFailedEvent failed) => new();
                [Step, [|CatchErrors|]] public static Drafted RecoverB(StepFailedEvent failed) => new();
            }
            """,
            new Expected("WF0018", "'Draft' is covered by two error handlers: 'RecoverA' and 'RecoverB'; each step's failures go to one handler"));

    [Fact]
    public Task Error_handlers_that_fit_raise_nothing_and_count_as_reachable() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step(MaxAttempts = 3)] public static Drafted Draft(Submitted submitted) => new();
                [Step] public static Published Publish(Drafted drafted) => new();
                [Step, CatchErrors(nameof(Draft), MaxRecoveries = 2)] public static Drafted Recover(StepFailedEvent failed) => new();
                [Step, CatchErrors(nameof(Publish), nameof(Recover))] public static Published GiveUp(StepFailedEvent failed) => new();
            }
            """);
}
