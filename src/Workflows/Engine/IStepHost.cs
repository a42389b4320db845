namespace Workflows.Engine;

/// <summary>
/// What a <see cref="WorkflowContext"/> does, supplied by the engine running the step: the
/// in-memory run (<see cref="WorkflowHandler"/>) or a durable delivery.
/// </summary>
internal interface IStepHost
{
    string RunId { get; }

    /// <summary>Which attempt of the step calling this is running, from 1.</summary>
    int Attempt { get; }

    StateStore Store { get; }

    void Send(Event ev);

    void SendAt(Event ev, DateTimeOffset when);

    void WriteToStream(Event ev);

    /// <summary>Shows the event to the run's followers now, without recording it.</summary>
    void WriteLive(Event ev);

    IReadOnlyList<T>? Collect<T>(T ev, int count)
        where T : Event;

    /// <summary>Writes the prompt and waits for the answer; with a timeout, <see langword="null"/> when none came in time.</summary>
    ValueTask<TResponse?> WaitForAsync<TResponse>(InputRequiredEvent prompt, TimeSpan? timeout, CancellationToken cancellationToken)
        where TResponse : HumanResponseEvent;

    Task<TStop> RunChildAsync<TStart, TStop>(IWorkflow<TStart, TStop> workflow, TStart start, CancellationToken cancellationToken)
        where TStart : StartEvent
        where TStop : StopEvent;

    /// <summary>Runs the work; a durable delivery records its result under the key (checked by the caller) and returns the recorded one when the step runs again.</summary>
    ValueTask<T> OnceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken);

    /// <summary>Sets a custom attribute of the run (checked by the caller): kept with a durable run, on the step's span in memory.</summary>
    void SetTag(string key, string value);

    /// <summary>The clock of the run, for <c>SendAfter</c>.</summary>
    TimeProvider Time { get; }
}
