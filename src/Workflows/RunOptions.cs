namespace Workflows;

/// <summary>Options of one run, passed to the generated <c>RunAsync</c>.</summary>
/// <example>
/// <code>
/// var handler = flow.RunAsync(new Submitted(doc), new RunOptions { Timeout = TimeSpan.FromMinutes(5) });
/// </code>
/// </example>
public sealed class RunOptions
{
    /// <summary>
    /// How long the whole run may take; <see langword="null"/> (the default) means no limit. When it
    /// passes, steps in flight are cancelled and the handler throws <see cref="WorkflowTimeoutException"/>.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// The clock behind the run's timeout, step timeouts and retry delays. Defaults to
    /// <see cref="TimeProvider.System"/>; tests pass a fake one to make time explicit.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Sees the run's lifecycle: routed and streamed events, step attempts, the outcome. Logging and
    /// the test kit plug in here; <see langword="null"/> (the default) costs nothing.
    /// </summary>
    public Diagnostics.WorkflowObserver? Observer { get; set; }
}
