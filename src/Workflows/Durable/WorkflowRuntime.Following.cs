using System.Runtime.CompilerServices;

namespace Workflows.Durable;

/// <summary>The runtime: waiting for runs to end, reading and following their journals, streams and live events.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>Waits until a run ends, and returns it.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The ended run.</returns>
    public async Task<RunRecord> WaitForCompletionAsync(string runId, CancellationToken cancellationToken = default)
    {
        TimeSpan poll = FirstPoll;
        using RunSignals.Follower follower = _signals.Follow(runId);
        while (true)
        {
            Task changed = follower.Next();
            RunRecord run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowRunNotFoundException(runId);
            if (run.IsFinished)
            {
                return run;
            }

            await RunSignals.WaitAsync(changed, poll, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            poll = NextPoll(poll);
        }
    }

    /// <summary>
    /// Waits until a run ends and returns its StopEvent. A run that failed, stalled or was cancelled
    /// throws <see cref="WorkflowRunFailedException"/> (its <see cref="Exception.InnerException"/> is the
    /// error as a run in memory would have thrown it); a run past its deadline throws
    /// <see cref="WorkflowTimeoutException"/>.
    /// </summary>
    /// <typeparam name="TStop">The workflow's StopEvent type.</typeparam>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The StopEvent.</returns>
    public async Task<TStop> WaitForResultAsync<TStop>(string runId, CancellationToken cancellationToken = default)
        where TStop : StopEvent
    {
        RunRecord run = await WaitForCompletionAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run.Status == WorkflowRunStatus.TimedOut)
        {
            throw new WorkflowTimeoutException(run.Workflow, run.RunId, run.TimeLimit ?? TimeSpan.Zero);
        }

        if (run.Status != WorkflowRunStatus.Completed)
        {
            throw new WorkflowRunFailedException(run);
        }

        return (TStop)RegistrationFor(run).Serializer.Deserialize(run.ResultType!, run.ResultPayload!);
    }

    /// <summary>
    /// Every entry of a run's journal after a position, in order, read a page at a time as the caller
    /// goes: for scanning a whole journal without holding it in memory.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="afterSequence">The last position already read; 0 for the whole journal.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The stored events.</returns>
    public async IAsyncEnumerable<StoredEvent> ReadAllEventsAsync(string runId, long afterSequence = 0, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int Page = 1000;
        while (true)
        {
            IReadOnlyList<StoredEvent> page = await ReadEventsAsync(runId, afterSequence, Page, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in page)
            {
                yield return stored;
            }

            if (page.Count < Page)
            {
                yield break;
            }

            afterSequence = page[^1].Sequence;
        }
    }

    /// <summary>Reads a run's journal after a position: its stream (and routing) as stored, in order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="afterSequence">The last position already read.</param>
    /// <param name="max">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored events.</returns>
    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterSequence = 0, int max = 1000, CancellationToken cancellationToken = default) =>
        _store.ReadEventsAsync(runId, afterSequence, max, cancellationToken);

    /// <summary>
    /// Follows a run's journal: every event recorded after a position, then each new one as it is
    /// committed, until the run has ended and all of it was read. Changes this process makes arrive at
    /// once; changes other processes make, within a poll of at most a second.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="afterSequence">The last position already read (0 for all).</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The stored events, in journal order, without gaps.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    public async IAsyncEnumerable<StoredEvent> FollowJournalAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        long position = afterSequence;
        TimeSpan poll = FirstPoll;
        using RunSignals.Follower follower = _signals.Follow(runId);
        while (true)
        {
            // Taken before reading, so a change committed between the reads below and the wait still wakes it.
            Task changed = follower.Next();

            // The run is read before its events: a run seen ended has all its events committed already.
            RunRecord run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowRunNotFoundException(runId);
            IReadOnlyList<StoredEvent> events = await _store.ReadEventsAsync(runId, position, 500, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in events)
            {
                position = stored.Sequence;
                yield return stored;
            }

            if (events.Count > 0)
            {
                poll = FirstPoll;
                continue;
            }

            if (run.IsFinished)
            {
                yield break;
            }

            await RunSignals.WaitAsync(changed, poll, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            poll = NextPoll(poll);
        }
    }

    /// <summary>Follows a run's stream: the streamed events after a position, then new ones as they are committed, until the run ends.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="afterSequence">The last position already read (0 for all).</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The streamed events with their positions, in order.</returns>
    public async IAsyncEnumerable<(long Sequence, Event Event)> FollowStreamAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        DurableRegistration? registration = null;
        await foreach (StoredEvent stored in FollowJournalAsync(runId, afterSequence, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Kind == EventRecordKind.Streamed)
            {
                registration ??= RegistrationFor((await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!);
                yield return (stored.Sequence, registration.Serializer.Deserialize(stored.Type, stored.Payload));
            }
        }
    }

    /// <summary>
    /// The events steps of the run write with <c>ctx.WriteLive</c> from now on, in this process — a
    /// model's answer as it is written, say — as they are written; they are never stored, so a follower
    /// in another process, or one that starts later, does not see them (<see cref="EventRecordKind.Live"/>,
    /// sequence 0). A follower more than a thousand events behind loses the oldest. Ends when cancelled.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The live events.</returns>
    public IAsyncEnumerable<StoredEvent> FollowLiveAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return _live.FollowAsync(runId, cancellationToken);
    }

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);

    private static TimeSpan NextPoll(TimeSpan poll) => TimeSpan.FromMilliseconds(Math.Min(poll.TotalMilliseconds * 2, 1000));
}
