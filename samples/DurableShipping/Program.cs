using System.Text.Json.Serialization;
using Workflows;
using Workflows.Durable;
using Workflows.Sqlite;

// dotnet run --project samples/DurableShipping [-- path/to/shipping.db]
// A durable run in a SQLite file: it asks before it ships, and the question waits in the file —
// stop the program at the question and run it again, and the same run picks up where it was.
string database = args.FirstOrDefault() ?? "shipping.db";

await using WorkflowRuntime runtime = new WorkflowRuntime(new SqliteWorkflowStore(database))
    .Register(() => new ShippingFlow(), ShippingJson.Default);
await runtime.StartAsync();   // resumes every unfinished run in the file

// The idempotency key makes this one run however often the program starts.
RunRecord run = await runtime.StartRunAsync<ShippingFlow>(new Order("o-1", Quantity: 4), new DurableRunOptions { IdempotencyKey = "order-o-1" });

// Answer only once the run has asked: follow its stream to the question (any process sharing the
// file could answer, days later). Answering at once, before the question is stored, races the run.
if (run.Status is not WorkflowRunStatus.Completed)
{
    await foreach ((long _, Event ev) in runtime.FollowStreamAsync(run.RunId))
    {
        if (ev is ApprovalRequested question)
        {
            Console.WriteLine($"Asked: {question.Prompt} Answering yes.");
            // Who answered reaches the step as AnsweredBy: here the code says; through the server, the signed-in person.
            await runtime.SendEventAsync(run.RunId, new Approval(Approved: true) { AnsweredBy = "ana" });
            break;
        }
    }
}

Shipped shipped = await runtime.WaitForResultAsync<Shipped>(run.RunId);
Console.WriteLine($"Order {shipped.OrderId}: {shipped.Outcome} (run {run.RunId} in {database})");

public sealed record Order(string Id, int Quantity) : StartEvent;
public sealed record ApprovalRequested(string Prompt) : InputRequiredEvent;
public sealed record Approval(bool Approved) : HumanResponseEvent;
public sealed record Shipped(string OrderId, string Outcome) : StopEvent;

[Workflow]
public partial class ShippingFlow
{
    [Step]
    public static ApprovalRequested Ask(Order order, WorkflowContext ctx)
    {
        ctx.Store.Set("order", order.Id);
        return new ApprovalRequested($"Ship {order.Quantity} of order {order.Id}?");
    }

    [Step]
    public static Shipped Decide(Approval approval, WorkflowContext ctx) =>
        new(ctx.Store.Get<string>("order"), approval.Approved ? $"shipped, approved by {approval.AnsweredBy}" : $"held by {approval.AnsweredBy}");
}

// How the run's events and state are stored: generated at compile time, so trimming and Native AOT are safe.
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(ApprovalRequested))]
[JsonSerializable(typeof(Approval))]
[JsonSerializable(typeof(Shipped))]
[JsonSerializable(typeof(string))]
public sealed partial class ShippingJson : JsonSerializerContext;
