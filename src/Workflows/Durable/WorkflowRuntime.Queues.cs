using Workflows.Infrastructure;

namespace Workflows.Durable;

// Queues: the limits of the named queues steps use, checked when the runtime starts and sent with every claim.
public sealed partial class WorkflowRuntime
{
    private IReadOnlyDictionary<string, QueueLimits> _queueLimits = new Dictionary<string, QueueLimits>();

    /// <summary>
    /// Every queue a registered step names must be configured, with valid limits: a runtime that
    /// would run a step in an unknown queue without limits refuses to start, naming the step.
    /// </summary>
    private Dictionary<string, QueueLimits> CheckQueues()
    {
        var limits = new Dictionary<string, QueueLimits>(StringComparer.Ordinal);
        foreach ((string name, QueueOptions queue) in _options.Queues)
        {
            limits[name] = queue.Limits(name);
        }

        var missing = new List<string>();
        foreach (DurableRegistration registration in _registrations.Values)
        {
            foreach (StepDefinition step in registration.Definition.Steps)
            {
                if (step.Queue is { } queue && !limits.ContainsKey(queue))
                {
                    missing.Add($"step '{step.Name}' of workflow '{registration.Name}' uses queue '{queue}'");
                }
            }
        }

        return missing.Count == 0
            ? limits
            : throw new InvalidOperationException(
                $"{string.Join("; ", missing)}, which WorkflowRuntimeOptions.Queues does not configure. " +
                $"Add it with its limits (options.Queues[\"{_registrations.Values.SelectMany(r => r.Definition.Steps).First(s => s.Queue is not null && !limits.ContainsKey(s.Queue)).Queue}\"] = new QueueOptions {{ Concurrency = … }}), or remove Queue from the step.");
    }
}
