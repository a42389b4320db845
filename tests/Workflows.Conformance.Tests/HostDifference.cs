namespace Workflows.Conformance.Tests;

/// <summary>
/// The behaviours a durable host cannot (yet) have, named in one place. A scenario that meets one
/// says so; the suite then skips exactly that comparison on the durable hosts, and nothing else.
/// </summary>
public enum HostDifference
{
    /// <summary>None: every host must behave the same.</summary>
    None,

    /// <summary>
    /// A static <c>[Workflow]</c> class has no instance to make per delivery, so it cannot be
    /// registered with the durable runtime; it runs in memory only.
    /// </summary>
    StaticWorkflow,

    /// <summary>
    /// A durable run stores its events as JSON; an event that holds a service or another value JSON
    /// cannot carry (a StopEvent holding an <c>IGreeter</c>) runs in memory only.
    /// </summary>
    EventsNotSerializable,

    /// <summary>
    /// A durable step's stream writes commit with the step, so an attempt that fails leaves none;
    /// in memory they are visible at once. The stream is not compared; everything else is.
    /// </summary>
    StreamOfFailedAttempts,

    /// <summary>
    /// A durable child run keeps its stream in its own journal (follow it by its run id, found with
    /// <c>RunQuery.ParentRunId</c>); in memory the child's events are forwarded into the parent's stream
    /// as they happen. The suite follows both and compares the events as a multiset.
    /// </summary>
    ChildStreamInOwnJournal,
}
