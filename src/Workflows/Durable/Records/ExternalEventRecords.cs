namespace Workflows.Durable;

/// <summary>An event sent into a run from outside.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Type">The event's type name.</param>
/// <param name="Payload">Its JSON.</param>
/// <param name="AcceptedTypes">The event type and its base types' full names: a step waiting for any of them gets it.</param>
/// <param name="Deliveries">The steps it goes to when no step waits for it.</param>
public sealed record ExternalEvent(string RunId, string Type, string Payload, IReadOnlyList<string> AcceptedTypes, IReadOnlyList<NewDelivery> Deliveries)
{
    /// <summary>Who sent it (a person or a service, as <see cref="WorkflowRuntime.ActingAs"/> names them): its journal entry's producer.</summary>
    public string? SentBy { get; init; }

    /// <summary>The task it answers; the store picks the run's oldest open one that it can answer when none is given.</summary>
    public long? TaskId { get; init; }

    /// <summary>The person answering: the store refuses (changing nothing) unless they may answer the task (<see cref="HumanTaskRecord.Refusal"/>).</summary>
    public TaskActor? Answerer { get; init; }
}

/// <summary>What became of an event sent from outside.</summary>
public enum ExternalResult
{
    /// <summary>Handed to a waiting step.</summary>
    Answered,

    /// <summary>Routed to the steps that take it.</summary>
    Routed,

    /// <summary>No step waits for it or takes it: nothing was recorded.</summary>
    NotAccepted,

    /// <summary>The run does not exist.</summary>
    RunNotFound,

    /// <summary>The run has ended.</summary>
    RunEnded,

    /// <summary>The task named is not the run's, or does not exist: nothing was recorded.</summary>
    TaskNotFound,

    /// <summary>The answerer may not answer the task (or it is closed): nothing was recorded.</summary>
    TaskRefused,
}
