namespace Workflows.Rules;

/// <summary>What becomes of an event a run produced: decided by <see cref="RunRules.Classify"/>, applied by each host.</summary>
internal enum EventFate
{
    /// <summary>The workflow's StopEvent: the run completes with it.</summary>
    EndsRun,

    /// <summary>Goes to every step that accepts it.</summary>
    Routed,

    /// <summary>An <see cref="InputRequiredEvent"/> no step takes: it goes to the stream only, for a person to answer.</summary>
    Streamed,

    /// <summary>An <see cref="InputRequiredEvent"/> some step also takes: to the stream, and to those steps.</summary>
    StreamedAndRouted,

    /// <summary>Reaches no step and is not a question: the run fails (see <see cref="RunMessages.Unrouted"/>).</summary>
    Unrouted,
}
