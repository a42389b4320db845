namespace Workflows;

/// <summary>The role of an event type in a workflow, from the base it derives from.</summary>
public enum EventKind
{
    /// <summary>An event steps pass between them.</summary>
    Event,

    /// <summary>Derives from <see cref="Workflows.StartEvent"/>: starts the run.</summary>
    Start,

    /// <summary>Derives from <see cref="Workflows.StopEvent"/>: ends the run.</summary>
    Stop,

    /// <summary>Derives from <see cref="Workflows.InputRequiredEvent"/>: asks a human, goes to the stream.</summary>
    InputRequired,

    /// <summary>Derives from <see cref="Workflows.HumanResponseEvent"/>: comes from outside.</summary>
    HumanResponse,

    /// <summary>A <see cref="StepFailedEvent"/>: made by the engine for an error-handler step.</summary>
    StepFailed,
}
