namespace Workflows;

/// <summary>
/// What an error-handler step receives when a step it covers fails after its last attempt (see
/// <see cref="CatchErrorsAttribute"/>). The handler turns it into an event, so the run continues
/// instead of failing.
/// </summary>
/// <param name="StepName">The step that failed.</param>
/// <param name="Event">The event that step was handling.</param>
/// <param name="Exception">Its last exception.</param>
/// <param name="Attempts">How many attempts it made.</param>
public sealed record StepFailedEvent(string StepName, Event Event, Exception Exception, int Attempts) : Event;
