namespace Workflows.Rules;

/// <summary>What follows a failed step attempt: decided by <see cref="RunRules.AfterFailure"/>, applied by each host.</summary>
internal enum FailureAction
{
    /// <summary>Another attempt, after <see cref="FailureDecision.Delay"/>.</summary>
    Retry,

    /// <summary>The last attempt failed; the error handler <see cref="FailureDecision.Handler"/> gets a <see cref="StepFailedEvent"/>.</summary>
    Recover,

    /// <summary>The last attempt failed and no handler takes it (or the run is ending): the run fails with the step's error.</summary>
    FailRun,
}

/// <summary>A decision after a failed attempt.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Delay">For <see cref="FailureAction.Retry"/>: how long to wait first.</param>
/// <param name="Handler">For <see cref="FailureAction.Recover"/>: the handler step's index; otherwise -1.</param>
internal readonly record struct FailureDecision(FailureAction Action, TimeSpan Delay, int Handler)
{
    public static FailureDecision Retry(TimeSpan delay) => new(FailureAction.Retry, delay, -1);

    public static FailureDecision Recover(int handler) => new(FailureAction.Recover, TimeSpan.Zero, handler);

    public static FailureDecision FailRun { get; } = new(FailureAction.FailRun, TimeSpan.Zero, -1);
}
