namespace Workflows.Analyzers;

/// <summary>Keys of the properties diagnostics carry to their code fixes.</summary>
internal static class DiagnosticProperties
{
    /// <summary>The fully qualified event type concerned (WF0004, WF0011), or the type a JSON context lacks (WF0019, WF0021).</summary>
    public const string EventType = nameof(EventType);

    /// <summary>The event's display name (WF0004).</summary>
    public const string EventName = nameof(EventName);

    /// <summary>The valid value to write in place of an invalid option (WF0013).</summary>
    public const string Replacement = nameof(Replacement);

    /// <summary>The fix removes the [Emits] attribute (WF0012, WF0013 on a non-event type).</summary>
    public const string RemoveEmits = nameof(RemoveEmits);

    /// <summary>The type a ctx.Store key is written with, fully qualified (WF0022).</summary>
    public const string WrittenType = nameof(WrittenType);

    /// <summary>The durable workflow whose shipped shape changed (WF0024, WF0025).</summary>
    public const string Workflow = nameof(Workflow);

    /// <summary>The workflow's shape in this build, for the fix that records it in Workflows.Shipped.txt (WF0024, WF0025).</summary>
    public const string Shape = nameof(Shape);

    /// <summary>The version a changed durable workflow becomes when the shipped one is kept beside it (WF0024).</summary>
    public const string NextVersion = nameof(NextVersion);

    /// <summary>The type of a value a durable step takes before a wait (the clock, a Guid, a random number), fully qualified, for the fix that records it once (WF0020).</summary>
    public const string RecordedType = nameof(RecordedType);
}
