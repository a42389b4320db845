using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers.Tests;

/// <summary>WF0011, WF0012, WF0013, WF0015, WF0016: what step bodies and attribute values say.</summary>
public class BodyRuleTests
{
    private const string Events = """
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Submitted : StartEvent;
        public abstract record Item : Event;
        public sealed record Book : Item;
        public sealed record Drafted : Event;
        public sealed record Approved : Event;
        public sealed record Published : StopEvent;

        """;

    [Fact]
    public Task WF0011_fires_on_the_argument_of_a_Send_the_step_does_not_declare() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Drafted))]
                public static void Split(Submitted submitted, WorkflowContext ctx)
                {
                    ctx.Send(new Drafted());
                    ctx.Send([|new Approved()|]);
                }

                [Step] public static void Log(Approved approved) { }
                [Step] public static Published Publish(Drafted drafted) => new();
            }
            """,
            new Expected("WF0011", "'Split' sends 'Approved' with ctx.Send but does not declare it; add [Emits(typeof(Approved))]"));

    /// <summary>One mistake, one error: what follows from an undeclared send (nothing produces the event, its wait never ends) is not reported again.</summary>
    [Fact]
    public Task WF0011_is_the_only_error_for_an_undeclared_send_however_the_event_is_used() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Drafted))]
                public static void Split(Submitted submitted, WorkflowContext ctx)
                {
                    ctx.Send(new Drafted());
                    ctx.Send([|new Approved()|]);
                }

                [Step] public static Published? Gather(Approved approved, WorkflowContext ctx) => ctx.Collect(approved, 2) is { } all ? new Published() : null;
                [Step] public static void Audit(Drafted drafted, WorkflowContext ctx) => _ = ctx.Collect<Approved>(null!, 1);
            }
            """,
            new Expected("WF0011", "'Split' sends 'Approved' with ctx.Send but does not declare it; add [Emits(typeof(Approved))]"));

    [Fact]
    public Task WF0011_fires_on_a_task_s_Overdue_event_the_step_does_not_declare() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            public sealed record Asked : InputRequiredEvent;
            public sealed record Answer : HumanResponseEvent;

            [Workflow]
            public partial class Flow
            {
                [Step]
                public static Asked Ask(Submitted submitted) => new() { Assignment = new() { DueIn = System.TimeSpan.FromHours(1), Overdue = [|new Approved()|] } };

                [Step] public static Published Decide(Answer answer) => new();
                [Step] public static Published Default(Approved approved) => new();
            }
            """,
            new Expected("WF0011", "'Ask' sends 'Approved' as a task's Overdue event but does not declare it; add [Emits(typeof(Approved))]"));

    [Fact]
    public Task WF0011_and_WF0012_accept_a_declared_Overdue_event_as_sent() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            public sealed record Asked : InputRequiredEvent;
            public sealed record Answer : HumanResponseEvent;

            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Approved))]
                public static Asked Ask(Submitted submitted) => new() { Assignment = new() { DueIn = System.TimeSpan.FromHours(1), Overdue = new Approved() } };

                [Step] public static Published Decide(Answer answer) => new();
                [Step] public static Published Default(Approved approved) => new();
            }
            """);

    [Fact]
    public Task WF0011_accepts_a_subtype_of_a_declared_type() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Item))]
                public static void Split(Submitted submitted, WorkflowContext ctx) => ctx.Send(new Book());

                [Step] public static Published Publish(Item item) => new();
            }
            """);

    [Fact]
    public Task WF0012_reports_an_Emits_the_body_never_sends_as_information() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof([|Drafted|]))]
                public static Published Go(Submitted submitted, WorkflowContext ctx) => new();

                [Step] public static void Log(Drafted drafted) { }
            }
            """,
            new Expected("WF0012", "'Go' declares [Emits(typeof(Drafted))] but never sends a 'Drafted'", DiagnosticSeverity.Info));

    [Fact]
    public Task WF0012_stays_silent_when_the_context_is_handed_to_code_it_cannot_see() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step, Emits(typeof(Drafted))]
                public static Published Go(Submitted submitted, WorkflowContext ctx)
                {
                    Helpers.SendDraft(ctx);
                    return new();
                }

                [Step] public static void Log(Drafted drafted) { }
            }

            public static class Helpers
            {
                public static void SendDraft(WorkflowContext ctx) => ctx.Send(new Drafted());
            }
            """);

    [Fact]
    public Task WF0013_fires_on_each_invalid_attribute_value() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step(Workers = [|0|], MaxAttempts = [|0|], RetryDelayMs = [|-1|], TimeoutMs = [|-5|])]
                [Emits(typeof([|string|]))]
                public static Published Go(Submitted submitted) => new();
            }
            """,
            new Expected("WF0013", "'Go' has an invalid attribute value: Workers = 0; Workers must be at least 1"),
            new Expected("WF0013", "'Go' has an invalid attribute value: MaxAttempts = 0; MaxAttempts must be at least 1"),
            new Expected("WF0013", "'Go' has an invalid attribute value: RetryDelayMs = -1; RetryDelayMs must be 0 or more"),
            new Expected("WF0013", "'Go' has an invalid attribute value: TimeoutMs = -5; TimeoutMs must be 0 or more"),
            new Expected("WF0013", "'Go' has an invalid attribute value: [Emits(typeof(string))]: 'string' is not an Event"));

    [Fact]
    public Task WF0013_stays_silent_on_valid_values() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step(Workers = 1, MaxAttempts = 5, RetryDelayMs = 0, TimeoutMs = 0, Backoff = Backoff.Exponential)]
                public static Published Go(Submitted submitted) => new();
            }
            """);

    [Fact]
    public Task WF0015_fires_when_a_step_collects_an_event_nothing_produces() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Start(Submitted submitted) => new();

                [Step]
                public static Published? Join(Drafted drafted, WorkflowContext ctx) =>
                    ctx.[|Collect|](new Approved(), 2) is { } ? new Published() : null;
            }
            """,
            new Expected("WF0015", "'Join' collects 'Approved', but no step produces it and it cannot come from outside"));

    [Fact]
    public Task WF0015_stays_silent_when_the_collected_event_is_produced() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step] public static Drafted Start(Submitted submitted) => new();

                [Step]
                public static Published? Join(Drafted drafted, WorkflowContext ctx) =>
                    ctx.Collect(drafted, 2) is { } ? new Published() : null;
            }
            """);

    [Fact]
    public Task WF0016_warns_on_each_obvious_blocking_call() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow]
            public partial class Flow
            {
                [Step]
                public static Published Go(Submitted submitted)
                {
                    Thread.[|Sleep|](10);
                    Task<int> work = Task.FromResult(1);
                    int a = work.[|Result|];
                    work.[|Wait|]();
                    int b = work.GetAwaiter().[|GetResult|]();
                    return new();
                }
            }
            """,
            new Expected("WF0016", "'Go' blocks a thread with Thread.Sleep; await instead, so the run's other steps and the thread pool keep going", DiagnosticSeverity.Warning),
            new Expected("WF0016", "'Go' blocks a thread with Task.Result; await instead, so the run's other steps and the thread pool keep going", DiagnosticSeverity.Warning),
            new Expected("WF0016", "'Go' blocks a thread with Task.Wait; await instead, so the run's other steps and the thread pool keep going", DiagnosticSeverity.Warning),
            new Expected("WF0016", "'Go' blocks a thread with GetAwaiter().GetResult(); await instead, so the run's other steps and the thread pool keep going", DiagnosticSeverity.Warning));

    [Fact]
    public Task WF0016_stays_silent_on_awaits_and_outside_steps() =>
        AnalyzerTest.VerifyCleanAsync(Events + """
            [Workflow]
            public partial class Flow
            {
                [Step]
                public static async Task<Published> Go(Submitted submitted, CancellationToken ct)
                {
                    await Task.Delay(10, ct);
                    return new();
                }

                public static void NotAStep() => Thread.Sleep(1);
            }
            """);
}
