using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Workflows.Durable;

namespace Workflows.Conformance.Tests;

/// <summary>How a run ended, as every host can say it: completed with a result, failed with an exception's type and message, cancelled, or timed out.</summary>
public sealed record Outcome(string Kind, string Detail)
{
    public static Outcome Completed(Event result) => new("completed", Describe.Event(result));

    public static Outcome Cancelled { get; } = new("cancelled", string.Empty);

    public static Outcome TimedOut { get; } = new("timed out", string.Empty);

    public static Outcome Failed(string exceptionType, string message) => new("failed", $"{exceptionType}: {message}");

    /// <summary>The outcome of an in-memory run that threw.</summary>
    public static Outcome Of(Exception error) => error switch
    {
        WorkflowTimeoutException => TimedOut,
        OperationCanceledException => Cancelled,
        _ => Failed(error.GetType().FullName!, error.Message),
    };

    /// <summary>The outcome of a durable run that did not complete: its rebuilt exception says what a run in memory would have thrown.</summary>
    public static Outcome Of(WorkflowRunFailedException error) => error.Run.Status switch
    {
        WorkflowRunStatus.Cancelled => Cancelled,
        WorkflowRunStatus.TimedOut => TimedOut,
        _ => error.InnerException switch
        {
            StoredStepException stored => Failed(stored.OriginalType, stored.Message),
            { } inner => Failed(inner.GetType().FullName!, inner.Message),
            null => Failed("(nothing recorded)", error.Message),
        },
    };

    public override string ToString() => Detail.Length == 0 ? Kind : $"{Kind}: {Detail}";
}

/// <summary>What a host saw of one run: what the conformance suite compares between hosts.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Streamed">The streamed events, in order.</param>
/// <param name="Routed">The events routed to steps, sorted: a multiset, since concurrent steps may produce in any order.</param>
/// <param name="Attempts">Attempts per step, by step name, sorted.</param>
public sealed record Observed(Outcome Outcome, IReadOnlyList<string> Streamed, IReadOnlyList<string> Routed, IReadOnlyList<string> Attempts)
{
    /// <summary>The run's id, replaced in messages (ids differ between hosts, messages must not otherwise).</summary>
    public const string RunIdPlaceholder = "<run>";

    public static Observed Create(Outcome outcome, IEnumerable<Event> streamed, IEnumerable<Event> routed, IEnumerable<(string Step, int Attempts)> attempts, string runId) =>
        new(
            outcome with { Detail = outcome.Detail.Replace(runId, RunIdPlaceholder, StringComparison.Ordinal) },
            [.. streamed.Select(Describe.Event)],
            [.. routed.Select(Describe.Event).Order(StringComparer.Ordinal)],
            [.. attempts.GroupBy(a => a.Step).Select(g => $"{g.Key} × {g.Sum(a => a.Attempts)}").Order(StringComparer.Ordinal)]);
}

/// <summary>Events as comparable text: the type's name and its JSON, whatever concrete collection types a host made on the way.</summary>
internal static class Describe
{
    private static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static string Event(Event ev) => ev switch
    {
        // An exception does not round-trip through storage: its type and message are what every host keeps.
        StepFailedEvent failed => $"StepFailedEvent {{ Step = {failed.StepName}, Event = {Event(failed.Event)}, Error = {ExceptionType(failed.Exception)}: {failed.Exception.Message}, Attempts = {failed.Attempts} }}",
        _ => $"{ev.GetType().Name} {JsonSerializer.Serialize(ev, ev.GetType(), Json)}",
    };

    private static string ExceptionType(Exception error) => error is StoredStepException stored ? stored.OriginalType : error.GetType().FullName!;
}
