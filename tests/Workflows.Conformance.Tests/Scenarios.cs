using System.Text.RegularExpressions;
using DocumentReview;
using HostedOrders;
using Workflows.Conformance.Tests.Flows;
using Workflows.Tests.Flows;
using TestOrder = Workflows.Tests.Flows.Order;

namespace Workflows.Conformance.Tests;

/// <summary>
/// Every workflow of the runtime's tests (tests/Workflows.Tests/Flows), the samples' workflows, and
/// a few written here for rules nothing else reaches, each with what its run must end in.
/// </summary>
internal static partial class Scenarios
{
    private const string CleanDocument = """
        ## Summary
        The quarter closed with revenue ahead of plan in every region we serve.
        ## Outlook
        Hiring stays flat while the new product line ramps up through the autumn.
        """;

    public static IReadOnlyList<(Scenario Scenario, string Expected)> All { get; } =
    [
        (Scenario.Of<LinearFlow, Begin, Finished>("three steps in a line", () => new LinearFlow(), new Begin(3)), "completed: Finished {\"Value\":7}"),
        (Scenario.Of<ShapesFlow, ShapesStart, ShapesDone>("every step shape", () => new ShapesFlow(), new ShapesStart(1)), "completed: ShapesDone {\"Value\":10}"),
        (Scenario.Of<RoutingFlow, TestOrder, Shipped>("a subtype reaches its base type's step and its own", () => new RoutingFlow(), new TestOrder("book")), "completed: Shipped {\"Summary\":\"shipped Dune\"}"),
        (Scenario.Of<RoutingFlow, TestOrder, Shipped>("the other arm of a OneOf", () => new RoutingFlow(), new TestOrder("song")), "completed: Shipped {\"Summary\":\"shipped Aria\"}"),
        (Scenario.Of<UnroutedFlow, Nudge, Nudged>("an event no step takes fails the run", () => new UnroutedFlow(), new Nudge(1)), "failed: System.InvalidOperationException: Step 'Start' produced 'Stray'"),
        (Scenario.Of<StallingFlow, Nudge, Nudged>("a step that produces nothing stalls the run", () => new StallingFlow(), new Nudge(1)), "failed: Workflows.WorkflowStalledException: Run '<run>' of workflow 'StallingFlow' stalled"),
        (Scenario.Of<OpenBatchFlow, Scatter, Gathered>("a fan-in that never fills stalls, naming its batch", () => new OpenBatchFlow(), new Scatter(3, 4)), "failed: Workflows.WorkflowStalledException: Run '<run>' of workflow 'OpenBatchFlow' stalled: no event is pending, no step is running, and no StopEvent was produced. The last step to produce nothing was 'Join' (it returned no event). ctx.Collect holds 3 'Piece' event(s)"),
        (Scenario.Of<FailingFlow, Nudge, Nudged>("a step's own exception fails the run", () => new FailingFlow(), new Nudge(1)), "failed: System.FormatException: bad value 1"),
        (Scenario.Of<RetryFlow, Attempt, Recovered>("a step succeeds on its third attempt", () => new RetryFlow(), new Attempt(2)), "completed: Recovered {\"Attempts\":3}"),
        (Scenario.Of<RetryFlow, Attempt, Recovered>("a step fails after its last attempt", () => new RetryFlow(), new Attempt(9)), "failed: System.InvalidOperationException: attempt 4 failed"),
        (Scenario.Of<BackoffFlow, Attempt, Recovered>("exponential backoff between attempts", () => new BackoffFlow(), new Attempt(0)), "failed: System.TimeoutException: attempt 4 timed out upstream"),
        (Scenario.Of<StepTimeoutFlow, Slow, SlowDone>("a step that honours its token times out", () => new StepTimeoutFlow(), new Slow(true)), "failed: Workflows.StepTimeoutException:"),
        (Scenario.Of<StepTimeoutFlow, Slow, SlowDone>("a step that ignores its token is abandoned at its timeout", () => new StepTimeoutFlow(), new Slow(false)), "failed: Workflows.StepTimeoutException:"),
        (Scenario.Of<RecoveringFlow, Checkout, CheckedOut>("an error handler turns failures into events", () => new RecoveringFlow(), new Checkout(2)), "completed: CheckedOut"),
        (Scenario.Of<RecoveryLimitFlow, Charge, Paid>("an error handler recovers MaxRecoveries times, then the run fails", () => new RecoveryLimitFlow(), new Charge(0)), "failed: System.InvalidOperationException: card 2 declined"),
        (Scenario.Of<CancelledInFlightFlow, Wait, Waited>("the StopEvent ends the run while a step is in flight", () => new CancelledInFlightFlow(), new Wait()), "completed: Waited {}"),
        (Scenario.Of<ForeverFlow, Wait, Waited>("cancelling a run", () => new ForeverFlow(), new Wait(), cancelWhen: flow => flow.Started.Task), "cancelled"),
        (Scenario.Of<ForeverFlow, Wait, Waited>("a run that passes its deadline", () => new ForeverFlow(), new Wait(), timeout: TimeSpan.FromMilliseconds(300)), "timed out"),
        (Scenario.Of<BriefWaitFlow, Ask, Asked>("a wait whose deadline passes returns no answer", () => new BriefWaitFlow(), new Ask("nobody there")), "completed: Asked {\"Outcome\":\"no answer in time\"}"),
        (Scenario.Of<BriefWaitFlow, Ask, Asked>("a wait answered in time returns the answer", () => new BriefWaitFlow(), new Ask("ana is there"), answer: _ => new Answer("ana")), "completed: Asked {\"Outcome\":\"answered by ana\"}"),
        (Scenario.Of<OnceFlow, Stamp, Stamped>("work done with ctx.OnceAsync is done once, even when the step runs again for its answer", () => new OnceFlow(), new Stamp("x"), answer: _ => new StampOk(true)), "completed: Stamped {\"Calls\":1,\"SameStamp\":true,\"Ok\":true}"),
        (Scenario.Of<QuietFlow, Draft, Decided>("a run that asked nothing stalls even though it takes answers", () => new QuietFlow(), new Draft("x")), "failed: Workflows.WorkflowStalledException: Run '<run>' of workflow 'QuietFlow' stalled"),
        (Scenario.Of<CountingFlow, Count, Counted>("steps write to the stream in order", () => new CountingFlow(), new Count(3)), "completed: Counted {\"Total\":3}"),
        (Scenario.Of<StreamThenFailFlow, Count, Counted>("a step streams, then fails", () => new StreamThenFailFlow(), new Count(1), difference: HostDifference.StreamOfFailedAttempts), "failed: System.ArgumentException: the failure"),
        (Scenario.Of<ApprovalByEventsFlow, Draft, Decided>("a person answers a question by an event", () => new ApprovalByEventsFlow(), new Draft("launch"), answer: _ => new Verdict(true, "ana")), "completed: Decided {\"Outcome\":\"approved by ana\"}"),
        (Scenario.Of<ApprovalByWaitFlow, Draft, Decided>("a person answers a step waiting in WaitForAsync", () => new ApprovalByWaitFlow(), new Draft("launch"), answer: _ => new Verdict(false, "bo")), "completed: Decided {\"Outcome\":\"rejected by bo\"}"),
        (Scenario.Of<WorkersFlow, Burst, BurstDone>("fan-out to three workers, fan-in by state", () => new WorkersFlow(), new Burst(6), normalize: WithoutOverlap), "completed: BurstDone {\"Jobs\":6,\"MaxConcurrent\":\"(timing)\"}"),
        (Scenario.Of<NestedFanOutFlow, Survey, SurveyDone>("nested fan-outs in the signatures, each join getting its own branches' items in order, with retries and an error handler on the branches", () => new NestedFanOutFlow(), new Survey([3, 0, 2], BrokenGroup: 0, BrokenItem: 2)), "completed: SurveyDone {\"Summary\":\"[0.0, 0.1 (retried), 0.2 (item 0.2 is broken)] | [] | [2.0, 2.1 (retried)]\"}"),
        (Scenario.Of<NestedFanOutFlow, Survey, SurveyDone>("an empty fan-out runs its join with an empty list", () => new NestedFanOutFlow(), new Survey([])), "completed: SurveyDone {\"Summary\":\"\"}"),
        (Scenario.Of<ParallelFanOutFlow, Batch, BatchDone>("a fan-out to three workers, joined in the fan-out's order", () => new ParallelFanOutFlow(), new Batch(6), normalize: WithoutOverlap), "completed: BatchDone {\"Order\":[0,1,2,3,4,5],\"MaxConcurrent\":\"(timing)\"}"),
        (Scenario.Of<SilentBranchFlow, Batch, BatchDone>("a branch that produces nothing leaves its join waiting, and the stalled run names the join", () => new SilentBranchFlow(), new Batch(4, Silent: 2)), "failed: Workflows.WorkflowStalledException: Run '<run>' of workflow 'SilentBranchFlow' stalled: no event is pending, no step is running, and no StopEvent was produced. Step 'Join' has 3 of the 4 item(s) of the fan-out by step 'Split'; a branch ended without producing its item."),
        (Scenario.Of<TwiceBranchFlow, Batch, BatchDone>("a branch that gives its join two items fails the run", () => new TwiceBranchFlow(), new Batch(3, Silent: 0)), "failed: System.InvalidOperationException: Branch 3 of 3 of the fan-out by step 'Split' gave step 'Join' of workflow 'TwiceBranchFlow' a second 'PartDone'; a join takes one item per branch."),
        (Scenario.Of<NullItemFlow, Batch, BatchDone>("a fan-out whose list holds a null fails the run, naming the item", () => new NullItemFlow(), new Batch(2)), "failed: System.InvalidOperationException: Step 'Split' of workflow 'NullItemFlow' returned a list whose item 1 is null; every item of a fan-out is an event to route. Leave it out of the list instead."),
        (Scenario.Of<SentBranchFlow, Batch, BatchDone>("what a branch sends with ctx.Send after an await stays in its branch", () => new SentBranchFlow(), new Batch(4)), "completed: BatchDone {\"Order\":[0,1,2,3],\"MaxConcurrent\":1}"),
        (Scenario.Of<FailingJoinFlow, Batch, BatchDone>("a join that fails goes to its error handler with the joined items", () => new FailingJoinFlow(), new Batch(3)), "completed: BatchDone {\"Order\":[0,1,2],\"MaxConcurrent\":-1}"),
        (Scenario.Of<SingleWorkerFlow, Burst, BurstDone>("one worker takes events one at a time", () => new SingleWorkerFlow(), new Burst(5)), "completed: BurstDone {\"Jobs\":5,\"MaxConcurrent\":1}"),
        (Scenario.Of<SyncWorkersFlow, Burst, BurstDone>("synchronous steps with two workers overlap", () => new SyncWorkersFlow(), new Burst(4)), "completed: BurstDone {\"Jobs\":4,\"MaxConcurrent\":2}"),
        (Scenario.Of<Workflows.Tests.Flows.Alpha.SameName, Workflows.Tests.Flows.Alpha.Go, Workflows.Tests.Flows.Alpha.Gone>("a workflow in one namespace", () => new(), new()), "completed: Gone {\"From\":\"alpha\"}"),
        (Scenario.Of<Workflows.Tests.Flows.Beta.SameName, Workflows.Tests.Flows.Beta.Go, Workflows.Tests.Flows.Beta.Gone>("its namesake in another", () => new(), new()), "completed: Gone {\"From\":\"beta\"}"),
        (Scenario.Of<Outer.InnerFlow, Knock, Answered>("a workflow nested in a class", () => new(), new Knock()), "completed: Answered {\"By\":\"inner\"}"),
        (Scenario.Of<Outer.Generic<int>.DeepFlow, Knock, Answered>("a workflow nested in a generic class", () => new(), new Knock()), "completed: Answered {\"By\":\"Int32\"}"),
        (Scenario.InMemoryOnly("a static workflow class", StaticFlow.Graph, (options, ct) => StaticFlow.RunAsync(new Knock(), options, ct), HostDifference.StaticWorkflow), "completed: Answered {\"By\":\"static\"}"),
        (Scenario.InMemoryOnly("a workflow built with a service", InjectedFlow.Graph, (options, ct) => new InjectedFlow(new ScopedGreeter()).RunAsync(new Greet("ana"), options, ct), HostDifference.EventsNotSerializable), "completed: Greeting"),
        (Scenario.Of<ChildFlow, ChildStart, ChildDone>("a child workflow on its own asks a person", () => new ChildFlow(), new ChildStart(2), answer: _ => new ChildAnswer(5)), "completed: ChildDone {\"Value\":5}"),
        (Scenario.Of<ChildFlow, ChildStart, ChildDone>("a child workflow on its own fails", () => new ChildFlow(), new ChildStart(13), difference: HostDifference.StreamOfFailedAttempts), "failed: System.ArgumentOutOfRangeException: 13 is unlucky"),
        (Scenario.Of<ParentFlow, ParentStart, ParentDone>("a step runs a child that asks a person", () => new ParentFlow(), new ParentStart(2), answer: _ => new ChildAnswer(5), difference: HostDifference.ChildStreamInOwnJournal, registerChildren: runtime => runtime.Register(() => new ChildFlow())), "completed: ParentDone {\"Value\":6}"),
        (Scenario.Of<HelloFlow, Hello, Greeted>("sample: HelloWorkflow", () => new HelloFlow(), new Hello("world")), "completed: Greeted {\"Message\":\"Hello, world!\"}"),
        (Scenario.Of<ReviewFlow, DocumentSubmitted, ReviewCompleted>("sample: DocumentReview, a clean document publishes itself", () => new ReviewFlow(TimeSpan.FromMilliseconds(5)), new DocumentSubmitted("Q3", CleanDocument), streamUnordered: true), "completed: ReviewCompleted {\"Title\":\"Q3\",\"Published\":true,\"Outcome\":\"published, approved by the reviewers\"}"),
        (Scenario.Of<ReviewFlow, DocumentSubmitted, ReviewCompleted>("sample: DocumentReview, findings go to a person", () => new ReviewFlow(TimeSpan.FromMilliseconds(5)), new DocumentSubmitted("Q3", SampleDocument.Text), answer: _ => new ReviewerDecision(true) { AnsweredBy = "ana" }, streamUnordered: true), "completed: ReviewCompleted {\"Title\":\"Q3\",\"Published\":true,\"Outcome\":\"published, approved by ana\"}"),
        (Scenario.Of<OrderFlow, OrderPlaced, OrderDone>("sample: HostedOrders, a flaky catalog is retried", () => new OrderFlow(new FlakyCatalog(), new ScopedStock()), new OrderPlaced("o-1", "BOOK-1", 2)), "completed: OrderDone {\"OrderId\":\"o-1\",\"Outcome\":\"shipped, 25.00 EUR\"}"),
        (Scenario.Of<OrderFlow, OrderPlaced, OrderDone>("sample: HostedOrders, an unknown product is rejected by the error handler", () => new OrderFlow(new FlakyCatalog(), new ScopedStock()), new OrderPlaced("o-2", "NOPE-9", 1)), "completed: OrderDone {\"OrderId\":\"o-2\",\"Outcome\":\"rejected: no product NOPE-9\"}"),
    ];

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach ((Scenario scenario, _) in All)
        {
            names.Add(scenario.Name);
        }

        return names;
    }

    public static (Scenario Scenario, string Expected) Find(string name) => All.Single(s => s.Scenario.Name == name);

    /// <summary>How many workers overlapped depends on timing, on every host; the count of jobs does not.</summary>
    private static Observed WithoutOverlap(Observed observed) => observed with
    {
        Outcome = observed.Outcome with { Detail = WithoutOverlap(observed.Outcome.Detail) },
        Streamed = [.. observed.Streamed.Select(WithoutOverlap)],
    };

    private static string WithoutOverlap(string text) => MaxConcurrent().Replace(text, "\"MaxConcurrent\":\"(timing)\"");

    [GeneratedRegex("\"MaxConcurrent\":\\d+")]
    private static partial Regex MaxConcurrent();
}
