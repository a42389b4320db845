namespace Workflows.Sql.Journal;

/// <summary>A due delivery a claim looked at, with what its limits need to know of it and its run.</summary>
/// <param name="Id">The delivery.</param>
/// <param name="RunId">Its run.</param>
/// <param name="Step">Its step's index.</param>
/// <param name="Workers">How many deliveries of the step may run at once in the run.</param>
/// <param name="Queue">The named queue of its step, if any.</param>
/// <param name="Partition">The run's partition key, if any.</param>
/// <param name="Workflow">The run's workflow.</param>
/// <param name="Queued">Whether the run waits for a slot under its workflow's limit of runs in progress.</param>
/// <param name="Priority">Its run's priority.</param>
/// <param name="AvailableAt">When it fell due (Unix milliseconds).</param>
internal readonly record struct PickedDelivery(long Id, string RunId, int Step, int Workers, string? Queue, string? Partition, string Workflow, bool Queued, int Priority, long AvailableAt);
