using Workflows.Engine;
using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>
/// The <see cref="WorkflowContext"/> of a step running as one durable delivery: what it sends,
/// streams and writes is buffered and committed with the delivery. <c>WaitForAsync</c> and
/// <c>RunAsync</c> (a child workflow) return what is already recorded for the delivery, or suspend it:
/// the step is abandoned and runs again, from the start, when the answer (or the child's end) arrives;
/// each such call takes the next recorded outcome, in the order the step makes them.
/// </summary>
internal sealed partial class DurableStepHost : IStepHost
{
    private readonly ClaimedDelivery _claim;
    private readonly DurableSerializer _serializer;
    private readonly DurableState _state;
    private readonly Lock _lock = new();
    private readonly List<DurableOutput> _outputs = [];
    private readonly TaskCompletionSource<string> _suspended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waits;
    private Dictionary<string, string>? _tags;
    private HashSet<string>? _onceKeys;
    private ResultRecorder? _recorder;
    private LiveEvents? _live;

    private readonly Func<Type, DurableRegistration?> _registrations;

    public DurableStepHost(ClaimedDelivery claim, DurableSerializer serializer, IReadOnlyDictionary<string, StoredValue> state, TimeProvider time, Func<Type, DurableRegistration?> registrations)
    {
        _claim = claim;
        _serializer = serializer;
        _registrations = registrations;
        _state = new DurableState(state, serializer);
        Store = new StateStore(_state);
        Time = time;
        PromptedWaits = claim.PromptedWaits;
        Lineage = Rules.Lineage.Parse(claim.Event.Lineage);
    }

    public string RunId => _claim.Run.RunId;

    public StateStore Store { get; }

    public TimeProvider Time { get; }

    /// <summary>Completes with the answer type's name when the step starts waiting for an answer it does not have yet.</summary>
    public Task<string> Suspended => _suspended.Task;

    /// <summary>How many WaitForAsync prompts are in the stream once this execution commits.</summary>
    public int PromptedWaits { get; private set; }

    public IReadOnlyList<DurableOutput> Outputs
    {
        get
        {
            lock (_lock)
            {
                return [.. _outputs];
            }
        }
    }

    public IReadOnlyList<StateWrite> StateWrites() => _state.Writes();

    public IReadOnlyList<StateRead> StateReads() => _state.Reads();

    /// <summary>Which attempt of its delivery this is, from 1.</summary>
    public int Attempt => _claim.Attempt;

    /// <summary>An engine-kept count in the run's state (recoveries), if set.</summary>
    public int? StoredInt(string key) => _state.TryPeek(key, typeof(int), out object? value) && value is int number ? number : null;

    /// <summary>An engine-kept count to commit on its own, without the step's other changes.</summary>
    public StateWrite IntWrite(string key, int value) => _state.WriteOf(key, value, typeof(int));

    /// <summary>The tags the step set, committed with it.</summary>
    public IReadOnlyDictionary<string, string>? Tags
    {
        get
        {
            lock (_lock)
            {
                return _tags is null ? null : new Dictionary<string, string>(_tags, StringComparer.Ordinal);
            }
        }
    }

    public void SetTag(string key, string value)
    {
        lock (_lock)
        {
            (_tags ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
        }

        System.Diagnostics.Activity.Current?.SetTag(Diagnostics.WorkflowTelemetry.TagPrefix + key, value);
    }

    public void Send(Event ev) => Add(new DurableOutput(ev ?? throw new ArgumentNullException(nameof(ev)), EventRecordKind.Routed, default));

    public void SendAt(Event ev, DateTimeOffset when) => Add(new DurableOutput(ev ?? throw new ArgumentNullException(nameof(ev)), EventRecordKind.Timer, when));

    /// <summary>Serialized as it would be stored, and handed to this process's followers of the run; dropped when nobody follows.</summary>
    public void WriteLive(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        string payload = _serializer.Serialize(ev);
        if (_live is { } live && _recorder is { } recorder && live.IsFollowed(_claim.Run.RunId))
        {
            live.Publish(new StoredEvent(0, _claim.Run.RunId, 0, EventRecordKind.Live, DurableSerializer.Name(ev.GetType()), payload, recorder.Step, Time.GetUtcNow()));
        }
    }

    public void WriteToStream(Event ev) => Add(new DurableOutput(ev ?? throw new ArgumentNullException(nameof(ev)), EventRecordKind.Streamed, default));

    /// <summary>The state keys of fan-in batches: this prefix, then the gathered type's full name.</summary>
    public const string CollectKeyPrefix = "$collect:";

    /// <summary>The fan-in batches this delivery sees still filling: the gathered type's name and how many events each holds.</summary>
    public IEnumerable<(string Type, int Count)> OpenBatches()
    {
        foreach (string key in _state.Keys.ToList())
        {
            if (key.StartsWith(CollectKeyPrefix, StringComparison.Ordinal) && _state.TryPeek(key, typeof(List<StoredAnswer>), out object? value) && value is List<StoredAnswer> { Count: > 0 } batch)
            {
                string type = key[CollectKeyPrefix.Length..];
                yield return (type[(type.LastIndexOfAny(['.', '+']) + 1)..], batch.Count);
            }
        }
    }

    /// <summary>Fan-in kept in the run's state, so batches survive restarts and commit with the delivery.</summary>
    public IReadOnlyList<T>? Collect<T>(T ev, int count)
        where T : Event
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string key = CollectKeyPrefix + DurableSerializer.Name(typeof(T));
        lock (_lock)
        {
            List<StoredAnswer> batch = Store.TryGet(key, out List<StoredAnswer>? stored) && stored is not null ? [.. stored] : [];
            if (!RunRules.Collect(batch, new StoredAnswer(DurableSerializer.Name(ev.GetType()), _serializer.Serialize(ev)), count))
            {
                Store.Set(key, batch);
                return null;
            }

            var complete = new T[count];
            for (int i = 0; i < count; i++)
            {
                complete[i] = (T)_serializer.Deserialize(batch[i].Type, batch[i].Payload);
            }

            RunRules.TakeBatch(batch, count);
            Store.Set(key, batch);
            return complete;
        }
    }

    /// <summary>For a suspended step whose wait has a deadline: when it runs again without an answer.</summary>
    public DateTimeOffset? WaitUntil { get; private set; }

    public ValueTask<TResponse?> WaitForAsync<TResponse>(InputRequiredEvent prompt, TimeSpan? timeout, CancellationToken cancellationToken)
        where TResponse : HumanResponseEvent
    {
        ArgumentNullException.ThrowIfNull(prompt);
        int index;
        lock (_lock)
        {
            index = _waits++;
        }

        if (index < _claim.Answers.Count)
        {
            // Recorded on an earlier execution of this delivery: return it at once (none, if its time ran out).
            StoredAnswer answer = _claim.Answers[index];
            return new ValueTask<TResponse?>(answer.Type == StoredAnswer.NoAnswer ? null : (TResponse)DurableSerializer.Answered(_serializer.Deserialize(answer.Type, answer.Payload), answer.SentBy));
        }

        lock (_lock)
        {
            if (index >= PromptedWaits)
            {
                _outputs.Add(new DurableOutput(prompt, EventRecordKind.Streamed, default, IsPrompt: true));
                PromptedWaits = index + 1;
            }
        }

        WaitUntil = timeout is { } limit ? Time.GetUtcNow() + limit : null;
        _suspended.TrySetResult(DurableSerializer.Name(typeof(TResponse)));

        // Never completes: the execution is abandoned and the step runs again once the answer (or its deadline) is recorded.
        return new ValueTask<TResponse?>(new TaskCompletionSource<TResponse?>().Task.WaitAsync(cancellationToken));
    }

    /// <summary>Where <see cref="OnceAsync"/> records results: set once the delivery's lease is kept.</summary>
    public void RecordWith(ResultRecorder recorder) => _recorder = recorder;

    /// <summary>Where <see cref="WriteLive"/> hands events: this process's followers of the run.</summary>
    public void PublishTo(LiveEvents live) => _live = live;

    /// <summary>
    /// The result recorded for the key on an earlier execution of this delivery, or the work's, recorded
    /// before it is returned (so the step never acts on a result a crash could make it lose).
    /// </summary>
    public async ValueTask<T> OnceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!(_onceKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
            {
                throw new InvalidOperationException(
                    $"Step '{_recorder?.Step}' of workflow '{_claim.Run.Workflow}' called ctx.OnceAsync with the key '{key}' twice in one execution. " +
                    "A key names one piece of work; give each call its own key (put a loop's index in it).");
            }
        }

        if (_claim.Recorded is { } recorded && recorded.TryGetValue(key, out StoredAnswer? result))
        {
            return (T)_serializer.DeserializeValue(result.Payload, typeof(T))!;
        }

        // Before the work, not after: a result that cannot be recorded must not cost the work (a billed call, a payment).
        _ = _serializer.TypeInfo(typeof(T));
        ResultRecorder recorder = _recorder ?? throw new InvalidOperationException("ctx.OnceAsync was called outside a running durable step.");
        T value = await work(cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(key, DurableSerializer.Name(typeof(T)), _serializer.SerializeValue(value, typeof(T)), cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>For a step suspended on a child run: the child to start with the suspension.</summary>
    public NewRun? ChildRun { get; private set; }

    /// <summary>
    /// A child workflow as a durable run of its own: started with this delivery's suspension (so a crash
    /// can neither lose nor double it), claimed by any worker, and its result (or failure) recorded
    /// for this step, which then runs again and gets it here.
    /// </summary>
    public Task<TStop> RunChildAsync<TStart, TStop>(IWorkflow<TStart, TStop> workflow, TStart start, CancellationToken cancellationToken)
        where TStart : StartEvent
        where TStop : StopEvent
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(start);
        DurableRegistration child = _registrations(workflow.GetType())
            ?? throw new InvalidOperationException(RunMessages.ChildNotRegistered(_claim.Run.Workflow, workflow.GetType().Name));
        int index;
        lock (_lock)
        {
            index = _waits++;
        }

        if (index < _claim.Answers.Count)
        {
            // The child ended while this step waited: its result, or its failure as the child would have thrown it.
            StoredAnswer outcome = _claim.Answers[index];
            return outcome.Type == StoredAnswer.ChildEnded
                ? Task.FromException<TStop>(RunFailures.Rebuild(System.Text.Json.JsonSerializer.Deserialize(outcome.Payload, EngineJsonContext.Default.ChildRunEnded)!))
                : Task.FromResult((TStop)child.Serializer.Deserialize(outcome.Type, outcome.Payload));
        }

        string childRunId = $"{_claim.Run.RunId}.{_claim.DeliveryId}.{index}";
        DateTimeOffset now = Time.GetUtcNow();
        ChildRun = new NewRun(childRunId, child.Name, child.Definition.Fingerprint, child.Definition.Shape, null, child.Record(start, EventRecordKind.Start, null, child.DeliveriesOf(start, now)))
        {
            ParentRunId = _claim.Run.RunId,
            ParentDeliveryId = _claim.DeliveryId,
            TraceParent = _claim.Run.TraceParent,
        };
        _suspended.TrySetResult(StoredAnswer.ChildPrefix + childRunId);

        // Never completes: the execution is abandoned and the step runs again once the child has ended.
        return new TaskCompletionSource<TStop>().Task.WaitAsync(cancellationToken);
    }

    private void Add(DurableOutput output)
    {
        lock (_lock)
        {
            _outputs.Add(output);
        }
    }
}
