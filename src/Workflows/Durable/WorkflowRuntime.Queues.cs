using Workflows.Infrastructure;

namespace Workflows.Durable;

// Queues: the limits of the named queues steps use, checked when the runtime starts and sent with every claim.
public sealed partial class WorkflowRuntime
{
    private IReadOnlyDictionary<string, QueueLimits> _queueLimits = new Dictionary<string, QueueLimits>();
    private Dictionary<string, int> _runLimits = [];

    /// <summary>
    /// Every limit of runs in progress names a registered workflow and is at least one: a limit on a
    /// misspelt name would silently limit nothing, so the runtime refuses to start.
    /// </summary>
    private Dictionary<string, int> CheckRunLimits()
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string workflow, int limit) in _options.MaxConcurrentRuns)
        {
            if (!_versions.Newest.ContainsKey(workflow))
            {
                throw new InvalidOperationException(
                    $"WorkflowRuntimeOptions.MaxConcurrentRuns names workflow '{workflow}', which is not registered here. " +
                    $"Registered: {(_versions.Newest.Count == 0 ? "none" : string.Join(", ", _versions.Newest.Keys.Order(StringComparer.Ordinal)))}. Use the workflow's name, or register it.");
            }

            limits[workflow] = limit >= 1
                ? limit
                : throw new InvalidOperationException($"WorkflowRuntimeOptions.MaxConcurrentRuns[\"{workflow}\"] must be at least 1; it is {limit}. Remove the entry for no limit.");
        }

        return limits;
    }

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
        foreach (DurableRegistration registration in _versions.All)
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
                $"Add it with its limits (options.Queues[\"{_versions.All.SelectMany(r => r.Definition.Steps).First(s => s.Queue is not null && !limits.ContainsKey(s.Queue)).Queue}\"] = new QueueOptions {{ Concurrency = … }}), or remove Queue from the step.");
    }
}
