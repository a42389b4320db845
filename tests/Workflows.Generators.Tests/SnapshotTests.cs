namespace Workflows.Generators.Tests;

/// <summary>The generated code for representative workflows, against approved snapshots.</summary>
public class SnapshotTests
{
    [Fact]
    public Task Linear_workflow_with_instance_and_static_steps() => GeneratorTest.VerifyAsync(["""
        using Workflows;

        namespace Docs;

        public sealed record Submitted(string Text) : StartEvent;
        public sealed record Parsed(string[] Words) : Event;
        public sealed record Published(int WordCount) : StopEvent;

        [Workflow]
        public partial class ReviewFlow
        {
            [Step]
            public static Parsed Parse(Submitted submitted) => new(submitted.Text.Split(' '));

            [Step]
            private Published Publish(Parsed parsed) => new(parsed.Words.Length);
        }
        """]);

    [Fact]
    public Task A_named_and_versioned_workflow_is_stored_under_its_name_with_its_version_in_the_shape_and_titled_by_its_start() => GeneratorTest.VerifyAsync(["""
        using Workflows;

        namespace Versions;

        public sealed record Request([RunTitle] string Id) : StartEvent;
        public sealed record Decided(bool Ok) : StopEvent;

        [Workflow(Name = "Approval", Version = 2)]
        public partial class ApprovalFlow
        {
            [Step]
            public static Decided Decide(Request request) => new(true);
        }
        """]);

    [Fact]
    public Task Every_return_shape_parameter_list_and_step_option() => GeneratorTest.VerifyAsync(["""
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        namespace Shapes;

        public sealed record Go : StartEvent;
        public sealed record A : Event;
        public sealed record B : Event;
        public sealed record C : Event;
        public sealed record D : Event;
        public sealed record E : Event;
        public sealed record F : Event;
        public sealed record G : Event;
        public sealed record Skipped : Event;
        public sealed record Done : StopEvent;

        [Workflow]
        public partial class ShapesFlow
        {
            [Step] public static A? Nullable(Go go) => new();
            [Step(Workers = 4, MaxAttempts = 3, RetryDelayMs = 100, Backoff = Backoff.Exponential, TimeoutMs = 2000)]
            public Task<B> TaskOf(A a, WorkflowContext ctx, CancellationToken ct) => Task.FromResult(new B());
            [Step] internal Task<C?> TaskOfNullable(B b, CancellationToken ct) => Task.FromResult<C?>(new C());
            [Step] private ValueTask<D> ValueTaskOf(C c) => new(new D());
            [Step] protected ValueTask<E?> ValueTaskOfNullable(D d, WorkflowContext ctx) => new(new E());
            [Step] public OneOf<F, Skipped> Branch(E e) => new F();
            [Step] public Task<OneOf<G, Skipped>> TaskOfBranch(F f) => Task.FromResult<OneOf<G, Skipped>>(new G());
            [Step] public ValueTask<OneOf<Done, Skipped>> ValueTaskOfBranch(G g) => new(new Done());
            [Step] public void Void(Skipped skipped) { }
            [Step] public Task Plain(A a) => Task.CompletedTask;
            [Step] public ValueTask PlainValue(B b, WorkflowContext ctx, CancellationToken ct) => default;
        }
        """]);

    [Fact]
    public Task Subtypes_route_to_base_type_steps_most_derived_first() => GeneratorTest.VerifyAsync(["""
        using Workflows;

        namespace Shop;

        public sealed record Order : StartEvent;
        public abstract record Item : Event;
        public record Book : Item;
        public sealed record Ebook : Book;
        public sealed record Song : Item;
        public sealed record Shipped : StopEvent;

        [Workflow]
        public partial class ShopFlow
        {
            [Step, Emits(typeof(Ebook)), Emits(typeof(Song))]
            public static Book Pick(Order order, WorkflowContext ctx)
            {
                ctx.Send(new Ebook());
                ctx.Send(new Song());
                return new();
            }

            [Step] public static void Count(Item item) { }
            [Step] public static Shipped? ShipBook(Book book) => null;
            [Step] public static Shipped ShipSong(Song song) => new();
        }
        """]);

    [Fact]
    public Task Human_in_the_loop_events_enter_and_leave_the_graph() => GeneratorTest.VerifyAsync(["""
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Draft : StartEvent;
        public sealed record ReviewRequested : InputRequiredEvent;
        public sealed record Verdict(bool Approved) : HumanResponseEvent;
        public sealed record SecondOpinion(string Text) : InputRequiredEvent;
        public sealed record Opinion(string Text) : HumanResponseEvent;
        public sealed record Decided : StopEvent;

        [Workflow]
        internal partial class ApprovalFlow
        {
            [Step] private static ReviewRequested Ask(Draft draft) => new();

            [Step]
            private static async Task<Decided> Decide(Verdict verdict, WorkflowContext ctx)
            {
                Opinion opinion = await ctx.WaitForAsync<Opinion>(new SecondOpinion("sure?"));
                return new Decided();
            }
        }
        """]);

    [Fact]
    public Task Nested_generic_and_static_workflow_classes() => GeneratorTest.VerifyAsync(["""
        using Workflows;

        namespace Deep.Inside;

        public sealed record Knock : StartEvent;
        public sealed record Answered : StopEvent;

        public static partial class Outer
        {
            public partial record Middle<T>
            {
                [Workflow]
                internal partial class InnerFlow
                {
                    [Step] private Answered Open(Knock knock) => new();
                }
            }

            [Workflow]
            public static partial class StaticFlow
            {
                [Step] private static Answered Open(Knock knock) => new();
            }
        }
        """]);

    [Fact]
    public Task Two_workflows_of_the_same_name_in_different_namespaces() => GeneratorTest.VerifyAsync(
    [
        """
        using Workflows;
        namespace Alpha;
        public sealed record Go : StartEvent;
        public sealed record Gone : StopEvent;
        [Workflow] public partial class Flow { [Step] public static Gone Run(Go go) => new(); }
        """,
        """
        using Workflows;
        namespace Beta;
        public sealed record Go : StartEvent;
        public sealed record Gone : StopEvent;
        [Workflow] public partial class Flow { [Step] public static Gone Run(Go go) => new(); }
        """,
    ]);

    [Fact]
    public Task Error_handlers_and_sub_workflows() => GeneratorTest.VerifyAsync(["""
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        namespace Pay;

        public sealed record Checkout : StartEvent;
        public sealed record Charged(string How) : Event;
        public sealed record Done : StopEvent;
        public sealed record Quote : StartEvent;
        public sealed record Quoted(decimal Price) : StopEvent;

        [Workflow]
        public partial class QuoteFlow
        {
            [Step] private static Quoted Price(Quote quote) => new(10m);
        }

        [Workflow]
        public partial class CheckoutFlow
        {
            [Step(MaxAttempts = 3)]
            private static async Task<Charged> Charge(Checkout checkout, WorkflowContext ctx, CancellationToken ct)
            {
                Quoted quoted = await ctx.RunAsync(new QuoteFlow(), new Quote(), ct);
                return new Charged($"card {quoted.Price}");
            }

            [Step, CatchErrors(nameof(Charge), MaxRecoveries = 2)]
            private static Charged Invoice(StepFailedEvent failed) => new("invoice");

            [Step] private static Done Finish(Charged charged) => new();
        }
        """]);

    [Fact]
    public Task Fan_out_and_join_in_the_signatures() => GeneratorTest.VerifyAsync(["""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Workflows;

        namespace Fans;

        public sealed record Submitted(int Sections) : StartEvent;
        public sealed record Section(int Number) : Event;
        public sealed record Checked(int Number) : Event;
        public sealed record Reviewed(int Count) : StopEvent;

        [Workflow]
        public partial class SectionFlow
        {
            [Step] private static Task<Section[]> Split(Submitted submitted) => Task.FromResult(new Section[submitted.Sections]);
            [Step(Workers = 4)] private static Checked Check(Section section) => new(section.Number);
            [Step] private static Reviewed Merge(IReadOnlyList<Checked> all) => new(all.Count);
        }
        """]);

    [Fact]
    public Task Events_a_step_only_writes_to_the_stream_are_listed_for_durable_runs() => GeneratorTest.VerifyAsync(["""
        using Workflows;

        namespace Streams;

        public sealed record Begin(int Count) : StartEvent;
        public sealed record Progress(string Message) : Event;
        public sealed record Tick(int Number) : Event;
        public sealed record Done(int Count) : StopEvent;

        [Workflow]
        public partial class CountFlow
        {
            [Step]
            public static Tick Start(Begin begin, WorkflowContext ctx)
            {
                ctx.WriteToStream(new Progress("starting"));
                return new Tick(begin.Count);
            }

            // A routed event written to the stream too is in the graph already; Progress is listed once.
            [Step]
            public static Done Finish(Tick tick, WorkflowContext ctx)
            {
                ctx.WriteToStream(tick);
                ctx.WriteToStream(new Progress("done"));
                return new Done(tick.Number);
            }
        }
        """]);

    /// <summary>A workflow whose graph has an error (WF0003: nothing produces Middle) gets stand-ins of its members.</summary>
    [Fact]
    public Task A_workflow_whose_graph_has_errors_gets_stand_in_members() => GeneratorTest.VerifyAsync(
        ["""
        using Workflows;
        namespace Docs;
        public sealed record Go(string Text) : StartEvent;
        public sealed record Middle : Event;
        public sealed record Done : StopEvent;
        [Workflow]
        public partial class BrokenFlow
        {
            [Step] public static Done Finish(Go go) => new();
            [Step] public static void Note(Middle middle) { }
        }
        """],
        ["WF0003"]);

    /// <summary>A workflow class that is not partial (WF0007) gets an extension RunAsync beside it.</summary>
    [Fact]
    public Task A_workflow_that_is_not_partial_gets_an_extension_RunAsync() => GeneratorTest.VerifyAsync(
        ["""
        using Workflows;
        namespace Docs;
        public sealed record Go(string Text) : StartEvent;
        public sealed record Done : StopEvent;
        [Workflow]
        public class PlainFlow
        {
            [Step] public static Done Finish(Go go) => new();
        }
        """],
        ["WF0007"]);
}
