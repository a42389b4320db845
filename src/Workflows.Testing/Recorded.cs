namespace Workflows.Testing;

/// <summary>How an event was seen.</summary>
public enum RecordedEventKind
{
    /// <summary>Routed to the steps that accept it.</summary>
    Routed,

    /// <summary>Written to the run's stream.</summary>
    Streamed,
}

/// <summary>An event a run routed or streamed, in the order it happened.</summary>
/// <param name="RunId">The run (a sub-workflow has its own).</param>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Kind">Routed or streamed.</param>
/// <param name="Event">The event.</param>
/// <param name="Producer">For a routed event, the step that produced it; <see langword="null"/> from outside.</param>
public sealed record RecordedEvent(string RunId, string Workflow, RecordedEventKind Kind, Event Event, string? Producer);

/// <summary>How a step attempt ended.</summary>
public enum AttemptOutcome
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>Returned.</summary>
    Succeeded,

    /// <summary>Threw; another attempt follows.</summary>
    Retried,

    /// <summary>Threw; it was the last attempt.</summary>
    Failed,
}

/// <summary>One attempt of one step.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Workflow">The workflow's name.</param>
/// <param name="Step">The step's name.</param>
/// <param name="Event">The event it received.</param>
/// <param name="Attempt">Which attempt, from 1.</param>
public sealed record RecordedAttempt(string RunId, string Workflow, string Step, Event Event, int Attempt)
{
    /// <summary>How it ended.</summary>
    public AttemptOutcome Outcome { get; internal set; } = AttemptOutcome.Running;

    /// <summary>What it produced, when it succeeded.</summary>
    public Event? Output { get; internal set; }

    /// <summary>What it threw, when it failed.</summary>
    public Exception? Error { get; internal set; }
}
