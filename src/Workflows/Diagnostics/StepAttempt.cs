namespace Workflows.Diagnostics;

/// <summary>One attempt of one step on one event, as observers see it.</summary>
/// <param name="Step">The step's name.</param>
/// <param name="Event">The event the step received.</param>
/// <param name="Attempt">Which attempt, from 1.</param>
/// <param name="QueueWait">How long the event waited for a free worker of the step (zero when none was busy).</param>
public readonly record struct StepAttempt(string Step, Event Event, int Attempt, TimeSpan QueueWait);
