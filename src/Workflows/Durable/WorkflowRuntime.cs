using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Infrastructure;
using Workflows.Rules;

namespace Workflows.Durable;

/// <summary>
/// Runs workflows durably: every routed event, delivery, attempt, state change and stream event is
/// journaled in an <see cref="IWorkflowStore"/>, so a run survives a crash, waits days for a human
/// without holding a thread, and may move between processes and machines step by step.
/// </summary>
/// <remarks>
/// Guarantees: a delivery's produced events, state changes and "done" are one transaction, so its
/// recorded outputs are exactly-once; a delivery whose transaction did not commit (a crash, a lost
/// lease) runs again, so step code runs at least once and should be safe to repeat. Code before a
/// <see cref="WorkflowContext.WaitForAsync{TResponse}(InputRequiredEvent, CancellationToken)"/> runs again when the answer arrives.
/// </remarks>
/// <example>
/// <code>
/// await using var runtime = new WorkflowRuntime(new SqliteWorkflowStore("runs.db"))
///     .Register(() =&gt; new ReviewFlow(), ReviewJson.Default);
/// await runtime.StartAsync();
/// RunRecord run = await runtime.StartRunAsync&lt;ReviewFlow&gt;(new DocumentSubmitted(title, text));
/// ReviewCompleted done = await runtime.WaitForResultAsync&lt;ReviewCompleted&gt;(run.RunId);
/// </code>
/// </example>
public sealed partial class WorkflowRuntime : IAsyncDisposable
{
    private readonly IWorkflowStore _store;
    private TaskInbox? _tasks;
    private readonly WorkflowRuntimeOptions _options;
    private readonly WorkflowVersions _versions = new();
    private readonly Dictionary<Type, DurableRegistration> _byType = [];
    private readonly List<RegisteredWorkflow> _allVersions = [];
    private readonly RunSignals _signals = new();
    private readonly LiveEvents _live = new();
    private readonly ILogger _logger;
    private readonly DeliveryCommits _commits;
    private readonly ObserverCalls? _observer;
    private readonly HeldDeliveries _held;

    /// <summary>Creates a runtime over a store.</summary>
    /// <param name="store">Where runs live.</param>
    /// <param name="options">How to run them.</param>
    public WorkflowRuntime(IWorkflowStore store, WorkflowRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new WorkflowRuntimeOptions();
        _logger = _options.LoggerFactory?.CreateLogger(DurableLog.Category) ?? NullLogger.Instance;
        _commits = new DeliveryCommits(_options);
        _observer = ObserverCalls.For(_options, _logger);
        _held = new HeldDeliveries(store, _options, _logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentDeliveries, 1);
        if (_options.Lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Lease, $"WorkflowRuntimeOptions.Lease must be positive (how long a claim holds without renewal); it was {_options.Lease}.");
        }
        if (_options.Retention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), retention, $"WorkflowRuntimeOptions.Retention must be positive (how long finished runs are kept); it was {retention}. Leave it null to keep every run.");
        }
    }

    /// <summary>The store.</summary>
    public IWorkflowStore Store => _store;

    /// <summary>The questions runs asked of people, as tasks to list, claim, hand on and answer.</summary>
    public TaskInbox Tasks => _tasks ??= new TaskInbox(this);

    /// <summary>
    /// Registers a workflow, stored with the given source-generated JSON context (trimming- and
    /// AOT-safe; the analyzers check that it covers every event of the workflow).
    /// </summary>
    /// <typeparam name="TWorkflow">The workflow.</typeparam>
    /// <param name="factory">Makes an instance for each delivery.</param>
    /// <param name="json">A context with <c>[JsonSerializable]</c> for each event type and state value type.</param>
    /// <returns>This runtime.</returns>
    /// <exception cref="InvalidOperationException">The runtime has started, or a workflow of the same name is registered already.</exception>
    public WorkflowRuntime Register<TWorkflow>(Func<TWorkflow> factory, JsonSerializerContext json)
        where TWorkflow : class, IGeneratedWorkflow
    {
        ArgumentNullException.ThrowIfNull(json);
        return Register(factory, DurableSerializer.ForContext(TWorkflow.Definition, json));
    }

    /// <summary>Registers a workflow, stored with reflection-based JSON.</summary>
    /// <typeparam name="TWorkflow">The workflow.</typeparam>
    /// <param name="factory">Makes an instance for each delivery.</param>
    /// <returns>This runtime.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON serialization; pass a JsonSerializerContext for trimmed or AOT applications.")]
    [RequiresDynamicCode("Reflection-based JSON serialization; pass a JsonSerializerContext for trimmed or AOT applications.")]
    public WorkflowRuntime Register<TWorkflow>(Func<TWorkflow> factory)
        where TWorkflow : class, IGeneratedWorkflow => Register(factory, DurableSerializer.ForReflection(TWorkflow.Definition));

    /// <summary>
    /// Registers a workflow made in a scope of its own for each delivery (a dependency-injection
    /// scope, say), disposed when the delivery's execution ends.
    /// </summary>
    /// <typeparam name="TWorkflow">The workflow.</typeparam>
    /// <param name="factory">Makes the instance and the scope it lives in.</param>
    /// <param name="json">A context with <c>[JsonSerializable]</c> for each event type and state value type.</param>
    /// <returns>This runtime.</returns>
    /// <exception cref="InvalidOperationException">The runtime has started, or a workflow of the same name is registered already.</exception>
    public WorkflowRuntime Register<TWorkflow>(Func<(TWorkflow Workflow, IAsyncDisposable Scope)> factory, JsonSerializerContext json)
        where TWorkflow : class, IGeneratedWorkflow
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(json);
        return Register(TWorkflow.Definition, typeof(TWorkflow), () =>
        {
            (TWorkflow workflow, IAsyncDisposable scope) = factory();
            return (workflow.CreateDispatcher(), scope);
        }, DurableSerializer.ForContext(TWorkflow.Definition, json));
    }

    private WorkflowRuntime Register<TWorkflow>(Func<TWorkflow> factory, DurableSerializer serializer)
        where TWorkflow : class, IGeneratedWorkflow
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(TWorkflow.Definition, typeof(TWorkflow), () => (factory().CreateDispatcher(), null), serializer);
    }

    private WorkflowRuntime Register(WorkflowDefinition definition, Type workflowType, Func<(WorkflowDispatcher Dispatcher, IAsyncDisposable? Scope)> dispatchers, DurableSerializer serializer)
    {
        if (Volatile.Read(ref _started) != 0)
        {
            // The workers read the registrations without a lock once started: they are fixed from then on.
            throw new InvalidOperationException(
                $"Workflow '{definition.Name}' cannot be registered: this runtime has started. Register every workflow before StartAsync (AddDurableWorkflow<T> does, with hosting).");
        }

        var registration = new DurableRegistration(definition, workflowType, dispatchers, serializer);
        _versions.Add(registration, workflowType);
        _byType.Add(workflowType, registration);
        _allVersions.Add(registration.Public);
        return this;
    }

    /// <summary>
    /// The registered workflows new runs start on — the newest version of each name — in the order
    /// their names were first registered. Older versions, kept to finish their stored runs, are in
    /// <see cref="AllVersions"/>.
    /// </summary>
    public IReadOnlyList<RegisteredWorkflow> Workflows => [.. _versions.Newest.Values.Select(static r => r.Public)];

    /// <summary>Every registered workflow class, each version of a name included, in the order they were registered.</summary>
    public IReadOnlyList<RegisteredWorkflow> AllVersions => _allVersions;

    /// <summary>A registered workflow by name: its newest version, which new runs start on.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <returns>The workflow, or <see langword="null"/>.</returns>
    public RegisteredWorkflow? FindWorkflow(string name) => _versions.Newest.GetValueOrDefault(name)?.Public;

    /// <summary>
    /// The registered version a stored run goes on under: the one it started under, else the newest
    /// whose shape it reads fine; <see langword="null"/> when none of them can resume it.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <returns>The workflow version, or <see langword="null"/>.</returns>
    public RegisteredWorkflow? FindWorkflow(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return _versions.Resolve(run)?.Public;
    }

    /// <summary>
    /// Opens the store (creating its schema if empty), checks that unfinished runs match this build
    /// of their workflows, and starts the workers, which resume every unfinished run.
    /// </summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowVersionMismatchException">Unfinished runs started under another shape of their workflow.</exception>
    /// <exception cref="WorkflowStoreException">The store is foreign or damaged.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _started, 1);
        _versions.Seal();
        _queueLimits = CheckQueues();
        _runLimits = CheckRunLimits();
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);

        // Always looked over: runs stored under an earlier, compatible shape are claimed only once judged.
        await CheckUnfinishedRunsAsync(cancellationToken).ConfigureAwait(false);

        if (_options.RunWorkers)
        {
            StartWorkers();
        }
    }

    /// <summary>Starts a durable run of <typeparamref name="TWorkflow"/>.</summary>
    /// <typeparam name="TWorkflow">A registered workflow.</typeparam>
    /// <param name="start">Its StartEvent.</param>
    /// <param name="options">The run's id or idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call (not the run).</param>
    /// <returns>The run as stored (an existing one for a repeated id or idempotency key).</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TWorkflow"/> is not registered, or is an older version of its workflow, kept to finish the runs stored under it.
    /// </exception>
    public Task<RunRecord> StartRunAsync<TWorkflow>(StartEvent start, DurableRunOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : class, IGeneratedWorkflow
    {
        DurableRegistration registration = RegistrationOf(typeof(TWorkflow));
        DurableRegistration newest = _versions.Newest[registration.Name];
        return registration == newest
            ? StartRunAsync(registration, start, options, cancellationToken)
            : throw new InvalidOperationException(
                $"{typeof(TWorkflow).Name} is version {registration.Definition.Version} of workflow '{registration.Name}', registered to finish the runs stored under it; " +
                $"new runs start on version {newest.Definition.Version} ({newest.Type.Name}). Start {newest.Type.Name} instead.");
    }

    /// <summary>
    /// Starts a durable run of a registered workflow, by name (for callers that do not have its type:
    /// an HTTP API, say), and says whether it was started now or an earlier run was found by its id or
    /// idempotency key.
    /// </summary>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="start">Its StartEvent.</param>
    /// <param name="options">The run's id or idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call (not the run).</param>
    /// <returns>The run as stored, and whether this call created it.</returns>
    /// <exception cref="InvalidOperationException">No workflow of that name is registered.</exception>
    public Task<(RunRecord Run, bool Created)> StartRunAsync(string workflow, StartEvent start, DurableRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return _versions.Newest.TryGetValue(workflow, out DurableRegistration? registration)
            ? StartNewAsync(registration, start, options, cancellationToken)
            : throw new InvalidOperationException($"No workflow named '{workflow}' is registered with this runtime.");
    }

    private async Task<RunRecord> StartRunAsync(DurableRegistration registration, StartEvent start, DurableRunOptions? options, CancellationToken cancellationToken) =>
        (await StartNewAsync(registration, start, options, cancellationToken).ConfigureAwait(false)).Run;

    private async Task<(RunRecord Run, bool Created)> StartNewAsync(DurableRegistration registration, StartEvent start, DurableRunOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        GraphEvent startType = registration.Definition.Graph.StartEvent;
        if (!startType.Type.IsInstanceOfType(start))
        {
            throw new ArgumentException($"Workflow '{registration.Name}' starts with '{startType.Name}', not '{start.GetType().Name}'.", nameof(start));
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        string runId = options?.RunId ?? Guid.CreateVersion7().ToString();
        var run = new NewRun(
            runId,
            registration.Name,
            registration.Definition.Fingerprint,
            registration.Definition.Shape,
            options?.IdempotencyKey,
            registration.Record(start, EventRecordKind.Start, null, registration.DeliveriesOf(start, now)))
        {
            Timeout = options?.Timeout,
            Tags = RunTags.Checked(options?.Tags, nameof(options)),
            Priority = options?.Priority ?? 0,
            PartitionKey = options?.PartitionKey,
            Title = RunTags.CheckedTitle(options?.Title, nameof(options)) ?? RunTags.TitleFrom(registration.Definition.TitleOf?.Invoke(start)),
            Queued = _runLimits.ContainsKey(registration.Name),
            TraceParent = Diagnostics.DurableTelemetry.TraceParentOfNewRun(registration.Name, runId),
        };
        if (options?.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, $"DurableRunOptions.Timeout must be positive; it was {timeout}.");
        }

        (RunRecord stored, bool created) = await _store.CreateRunAsync(run, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            DurableLog.RunStarted(_logger, stored.Workflow, stored.RunId);
            Diagnostics.DurableTelemetry.RunStarted(stored.Workflow);
            if (_observer is not null)
            {
                _observer.RunStarted(stored);
                _observer.EventRouted(stored, start, null);
            }

            SignalWork();
        }

        return (stored, created);
    }

    /// <summary>A run by id, or <see langword="null"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run.</returns>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => _store.GetRunAsync(runId, cancellationToken);

    /// <summary>Runs by workflow and status, newest first, a page at a time.</summary>
    /// <param name="query">The filters and the page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => _store.ListRunsAsync(query, cancellationToken);

    /// <summary>
    /// Sends an event into a run, from any process using the same store: to the step waiting for its
    /// type (WaitForAsync), else to the steps that take it. Nothing is recorded if it is rejected.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="ev">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="ArgumentException">The run neither waits for nor takes that event type.</exception>
    /// <exception cref="InvalidOperationException">The run has ended, or its workflow is not registered here.</exception>
    /// <exception cref="WorkflowVersionMismatchException">The run started under another shape of its workflow.</exception>
    public Task SendEventAsync(string runId, Event ev, CancellationToken cancellationToken = default) => SendAsAsync(runId, ev, null, cancellationToken);

    /// <summary>Sends an event into a run, its journal entry naming who sent it (<see cref="RunOperator.SendEventAsync"/>).</summary>
    /// <remarks>With nobody named, an answer's own <see cref="HumanResponseEvent.AnsweredBy"/> is who sent it: the code sending it is trusted to say.</remarks>
    internal Task SendAsAsync(string runId, Event ev, string? sentBy, CancellationToken cancellationToken) =>
        SendAsAsync(runId, ev, new Answering(sentBy ?? (ev as HumanResponseEvent)?.AnsweredBy, null, null), cancellationToken);

    /// <summary>Sends an event into a run; as an answer, <paramref name="answering"/> names the task it answers and who answers.</summary>
    internal async Task SendAsAsync(string runId, Event ev, Answering answering, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(ev);
        RunRecord run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowRunNotFoundException(runId);
        DurableRegistration registration = RegistrationFor(run);
        ExternalResult result = await OfferAsync(run, registration, ev, answering, cancellationToken).ConfigureAwait(false);

        // Nothing in the run takes it: a child run (started by one of its steps) waiting for it may, as in memory.
        if (result == ExternalResult.NotAccepted && answering.TaskId is null && await OfferToChildrenAsync(runId, ev, answering, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        switch (result)
        {
            case ExternalResult.TaskNotFound:
                throw new TaskNotFoundException(answering.TaskId ?? 0, runId);
            case ExternalResult.TaskRefused:
                throw await RefusedAsync(runId, ev, answering, cancellationToken).ConfigureAwait(false);
            case ExternalResult.RunNotFound:
                throw new WorkflowRunNotFoundException(runId);
            case ExternalResult.RunEnded:
                RunRecord ended = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? run;
                throw new InvalidOperationException(RunMessages.Ended(runId, run.Workflow, ended.Status, "accepts no more events"));
            case ExternalResult.NotAccepted:
                throw new ArgumentException(NotAccepted(registration, ev), nameof(ev));
        }
    }

    /// <summary>Why an answer was refused: the task it named, or else the run's task it would have answered, as the store judged it.</summary>
    private async Task<TaskRefusedException> RefusedAsync(string runId, Event ev, Answering answering, CancellationToken cancellationToken)
    {
        HumanTaskPage open = await _store.ListTasksAsync(new HumanTaskQuery { RunId = runId, Sort = HumanTaskSort.Oldest }, cancellationToken).ConfigureAwait(false);
        HumanTaskRecord? task = answering.TaskId is { } id
            ? await _store.GetTaskAsync(id, cancellationToken).ConfigureAwait(false)
            : open.Tasks.FirstOrDefault(t => answering.Answerer is not { } who || t.Refusal(who, TaskAction.Answer) is not null);
        string reason = task is null
            ? $"The answer '{ev.GetType().Name}' to run '{runId}' was refused."
            : answering.Answerer is { } answerer && task.Refusal(answerer, TaskAction.Answer) is { } refusal ? refusal : task.Refusal(new TaskActor(string.Empty, []), TaskAction.Answer) ?? $"Task {task.TaskId} cannot take the answer now.";
        return new TaskRefusedException(task?.TaskId ?? 0, reason);
    }

    /// <summary>Records an event from outside for one run: to its step waiting for the type, else to its steps that take it.</summary>
    private async Task<ExternalResult> OfferAsync(RunRecord run, DurableRegistration registration, Event ev, Answering answering, CancellationToken cancellationToken)
    {
        if (!registration.Serializer.TryGetType(DurableSerializer.Name(ev.GetType()), out _))
        {
            return ExternalResult.NotAccepted;
        }

        var accepted = new List<string>();
        for (Type? type = ev.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            accepted.Add(DurableSerializer.Name(type));
        }

        ExternalResult result = await _store.AddExternalEventAsync(
            new ExternalEvent(run.RunId, DurableSerializer.Name(ev.GetType()), registration.Serializer.Serialize(ev), accepted, registration.DeliveriesOf(ev, _options.TimeProvider.GetUtcNow()))
            {
                SentBy = answering.SentBy,
                TaskId = answering.TaskId,
                Answerer = answering.Answerer,
            },
            cancellationToken).ConfigureAwait(false);
        if (result is ExternalResult.Answered or ExternalResult.Routed)
        {
            _observer?.EventRouted(run, ev, null);
            SignalWork();
            _signals.Pulse(run.RunId);
        }

        return result;
    }

    /// <summary>Offers an event to a run's active child runs, depth first; whether one took it.</summary>
    private async Task<bool> OfferToChildrenAsync(string parentRunId, Event ev, Answering answering, CancellationToken cancellationToken)
    {
        RunPage children = await _store.ListRunsAsync(new RunQuery(Limit: 1000) { ParentRunId = parentRunId }, cancellationToken).ConfigureAwait(false);
        foreach (RunRecord child in children.Runs)
        {
            if (child.IsFinished || _versions.Resolve(child) is not { } registration)
            {
                continue;
            }

            if (await OfferAsync(child, registration, ev, answering, cancellationToken).ConfigureAwait(false) is ExternalResult.Answered or ExternalResult.Routed ||
                await OfferToChildrenAsync(child.RunId, ev, answering, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Cancels a run: its pending deliveries are dropped, its steps in flight are cancelled (at once in
    /// this process, at their next lease renewal elsewhere), and its child runs end with it.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the run was still running.</returns>
    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default) => CancelAsAsync(runId, _options.WorkerId, cancellationToken);

    internal async Task<bool> CancelAsAsync(string runId, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        RunRecord run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowRunNotFoundException(runId);
        var reason = new RunFailure(typeof(OperationCanceledException).FullName!, RunMessages.Cancelled(runId, run.Workflow));
        bool cancelled = await _store.CancelRunAsync(runId, reason, requestedBy, cancellationToken).ConfigureAwait(false);
        if (cancelled)
        {
            DurableLog.RunControlled(_logger, run.Workflow, runId, "cancelled", requestedBy);
            Diagnostics.DurableTelemetry.RunEnded(run.Workflow, WorkflowRunStatus.Cancelled);
            _observer?.RunEnded(run, WorkflowRunStatus.Cancelled, reason);
        }

        _held.Cancel(runId);
        _signals.Pulse(runId);

        // Its child runs end at the next claim, here or in whichever process claims first.
        Volatile.Write(ref _nextExpiryLook, 0);
        SignalWork();
        return cancelled;
    }

    /// <summary>Turns a stored event of a run into the event, with the run's workflow's types.</summary>
    /// <param name="run">The run.</param>
    /// <param name="stored">The stored event.</param>
    /// <returns>The event.</returns>
    public Event Deserialize(RunRecord run, StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stored);
        return RegistrationFor(run).Serializer.Deserialize(stored.Type, stored.Payload);
    }

    /// <summary>Stops the workers: steps in flight finish, or are released for another worker (or the next start) to run again.</summary>
    /// <returns>A task.</returns>
    public Task StopAsync() => StopWorkersAsync();

    /// <summary>Stops the workers and closes the store.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopWorkersAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    private int _disposed;
    private int _started;

    /// <summary>The newest version of each registered workflow, by name.</summary>
    internal IReadOnlyDictionary<string, DurableRegistration> Registrations => _versions.Newest;

    private DurableRegistration? RegistrationOrNull(Type workflow) => _byType.GetValueOrDefault(workflow);

    private DurableRegistration RegistrationOf(Type workflow) =>
        _byType.TryGetValue(workflow, out DurableRegistration? registration)
            ? registration
            : throw new InvalidOperationException($"Workflow '{workflow.Name}' is not registered with this runtime. Call Register<{workflow.Name}>(...) before StartAsync.");

    private DurableRegistration RegistrationFor(RunRecord run)
    {
        if (!_versions.Newest.TryGetValue(run.Workflow, out DurableRegistration? newest))
        {
            throw new InvalidOperationException($"Run '{run.RunId}' belongs to workflow '{run.Workflow}', which is not registered with this runtime.");
        }

        return _versions.Resolve(run) ?? throw new WorkflowVersionMismatchException(DescribeMismatch(run, newest.Definition));
    }

    private static string NotAccepted(DurableRegistration registration, Event ev) =>
        RunMessages.NotAccepted(registration.Name, ev.GetType(), registration.Definition.ExternalEvents);

    private static string DescribeMismatch(RunRecord run, WorkflowDefinition current) =>
        RunMessages.VersionMismatch(run.RunId, run.Workflow, run.Fingerprint, run.Shape, current.Fingerprint, current.Shape);

    private async Task CheckUnfinishedRunsAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (WorkflowRunStatus status in new[] { WorkflowRunStatus.Running, WorkflowRunStatus.WaitingForInput, WorkflowRunStatus.Suspended, WorkflowRunStatus.Queued })
        {
            for (int offset = 0; ; offset += 200)
            {
                RunPage page = await _store.ListRunsAsync(new RunQuery(Status: status, Offset: offset, Limit: 200), cancellationToken).ConfigureAwait(false);
                foreach (RunRecord run in page.Runs)
                {
                    if (_versions.Newest.TryGetValue(run.Workflow, out DurableRegistration? newest) && _versions.Resolve(run) is null)
                    {
                        problems.Add(DescribeMismatch(run, newest.Definition));
                    }
                }

                if (page.Runs.Count < 200)
                {
                    break;
                }
            }
        }

        if (problems.Count > 0 && _options.FailOnIncompatibleRuns)
        {
            throw new WorkflowVersionMismatchException(
                $"{problems.Count} unfinished run(s) started under another shape of their workflow; they were not resumed and nothing was changed. " +
                "Finish them with the build that started them, or cancel them.\n" + string.Join("\n", problems.Take(10)));
        }
    }
}
