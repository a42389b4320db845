namespace Workflows.Durable;

/// <summary>An operator's control of a run, as the store applies it.</summary>
public enum RunControl
{
    /// <summary>Running or waiting for input → <see cref="WorkflowRunStatus.Suspended"/>.</summary>
    Suspend,

    /// <summary>Suspended → running (or waiting for input) again.</summary>
    Resume,

    /// <summary>Failed → running again from the delivery that failed it, with fresh attempts.</summary>
    Retry,
}

/// <summary>An operator's control of a run, to apply and journal in one transaction.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Control">What to do.</param>
/// <param name="RequestedBy">Who or what asked: recorded in the run's journal.</param>
public sealed record RunControlRequest(string RunId, RunControl Control, string RequestedBy);

/// <summary>What became of a control: applied, or refused because of the run's status (which it carries).</summary>
/// <param name="Applied">Whether it was applied.</param>
/// <param name="Run">The run after it (or as it was, when refused); <see langword="null"/> when no run has that id.</param>
public sealed record RunControlResult(bool Applied, RunRecord? Run)
{
    /// <summary>For a retry that could not be applied to a failed run: there was no failed delivery to run again (the run stalled).</summary>
    public bool NothingToRetry { get; init; }
}

/// <summary>
/// The journal entry of an operator's control (<see cref="EventRecordKind.Control"/>): who asked,
/// and the run's status before. Its type is one of the names below.
/// </summary>
/// <param name="RequestedBy">Who or what asked.</param>
/// <param name="From">The run's status before.</param>
/// <param name="Step">For a retry: the step run again.</param>
/// <param name="DeliveryId">For a retry: its delivery.</param>
public sealed record RunControlEntry(string RequestedBy, WorkflowRunStatus From, string? Step = null, long? DeliveryId = null)
{
    /// <summary>The type of a suspension's entry.</summary>
    public const string Suspended = "$suspended";

    /// <summary>The type of a resumption's entry.</summary>
    public const string Resumed = "$resumed";

    /// <summary>The type of a retry's entry.</summary>
    public const string Retried = "$retried";

    /// <summary>The type of a cancellation's entry.</summary>
    public const string Cancelled = "$cancelled";
}
