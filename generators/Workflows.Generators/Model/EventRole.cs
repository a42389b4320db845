namespace Workflows.Generators.Model;

/// <summary>The role of an event type, from the Workflows base it derives from (mirrors Workflows.EventKind).</summary>
internal enum EventRole
{
    Event,
    Start,
    Stop,
    InputRequired,
    HumanResponse,
    StepFailed,
}
