using Workflows.Infrastructure;

namespace Workflows.Durable;

/// <summary>A workflow registered with a runtime: its definition, how to make an instance, how to store its events.</summary>
internal sealed class DurableRegistration
{
    public DurableRegistration(WorkflowDefinition definition, Type type, Func<(WorkflowDispatcher Dispatcher, IAsyncDisposable? Scope)> dispatchers, DurableSerializer serializer)
    {
        Definition = definition;
        Type = type;
        Dispatchers = dispatchers;
        Serializer = serializer;
    }

    public WorkflowDefinition Definition { get; }

    /// <summary>The <c>[Workflow]</c> class.</summary>
    public Type Type { get; }

    /// <summary>This registration as code outside the runtime sees it.</summary>
    public RegisteredWorkflow Public => field ??= new RegisteredWorkflow(this);

    /// <summary>Makes a workflow instance and its dispatcher for one delivery, with the scope to dispose after it.</summary>
    public Func<(WorkflowDispatcher Dispatcher, IAsyncDisposable? Scope)> Dispatchers { get; }

    public DurableSerializer Serializer { get; }

    public string Name => Definition.Name;

    /// <summary>The steps that accept <paramref name="ev"/>: same rule as the generated dispatcher (assignable to the step's event type).</summary>
    public List<int> StepsAccepting(Event ev)
    {
        var steps = new List<int>();
        IReadOnlyList<GraphStep> graph = Definition.Graph.Steps;
        for (int s = 0; s < graph.Count; s++)
        {
            GraphEvent accepts = graph[s].Accepts;
            if (accepts.Kind != EventKind.StepFailed && accepts.Type.IsInstanceOfType(ev))
            {
                steps.Add(s);
            }
        }

        return steps;
    }

    public List<NewDelivery> DeliveriesOf(Event ev, DateTimeOffset availableAt)
    {
        var deliveries = new List<NewDelivery>();
        foreach (int step in StepsAccepting(ev))
        {
            StepDefinition definition = Definition.Steps[step];
            deliveries.Add(DeliveryTo(step, availableAt));
        }

        return deliveries;
    }

    /// <summary>A delivery to one step, in its queue if it has one.</summary>
    public NewDelivery DeliveryTo(int step, DateTimeOffset availableAt)
    {
        StepDefinition definition = Definition.Steps[step];
        return new NewDelivery(step, definition.Name, definition.Workers, availableAt) { Queue = definition.Queue };
    }

    public bool IsStop(Event ev) => Definition.Graph.StopEvent.Type.IsInstanceOfType(ev);

    public NewEvent Record(Event ev, EventRecordKind kind, string? producer, IReadOnlyList<NewDelivery> deliveries) =>
        new(kind, DurableSerializer.Name(ev.GetType()), Serializer.Serialize(ev), producer, deliveries);
}
