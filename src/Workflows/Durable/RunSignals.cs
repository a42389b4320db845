namespace Workflows.Durable;

/// <summary>
/// Wakes whoever follows a run in this process the moment this process changes it (a commit, an
/// event sent in, a cancel), so following costs no polling delay; changes other processes make are
/// seen by the followers' bounded poll. A run is known here only while someone follows it: the last
/// follower to leave removes it, whether or not a change ever came. Costs one volatile read per
/// change when nobody follows.
/// </summary>
internal sealed class RunSignals
{
    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many runs are followed now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts following a run; dispose the follower to stop.</summary>
    public Follower Follow(string runId)
    {
        lock (_followed)
        {
            if (!_followed.TryGetValue(runId, out Followed? followed))
            {
                followed = new Followed();
                _followed.Add(runId, followed);
                Volatile.Write(ref _count, _followed.Count);
            }

            followed.Followers++;
            return new Follower(this, runId, followed);
        }
    }

    public void Pulse(string runId)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_followed)
        {
            if (!_followed.TryGetValue(runId, out Followed? followed))
            {
                return;
            }

            changed = followed.Next;
            followed.Next = Followed.NewChange();
        }

        changed.TrySetResult();
    }

    /// <summary>Waits for the run's change (taken as <paramref name="changed"/>) or for <paramref name="poll"/>, whichever is first.</summary>
    public static async Task WaitAsync(Task changed, TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task delay = Task.Delay(poll, time, timeout.Token);
        await Task.WhenAny(changed, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Leave(string runId, Followed followed)
    {
        lock (_followed)
        {
            if (--followed.Followers == 0)
            {
                _followed.Remove(runId);
                Volatile.Write(ref _count, _followed.Count);
            }
        }
    }

    /// <summary>One run's followers, and the change they wait for next.</summary>
    internal sealed class Followed
    {
        public int Followers;
        public TaskCompletionSource Next = NewChange();

        public static TaskCompletionSource NewChange() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One follower of one run.</summary>
    public sealed class Follower : IDisposable
    {
        private readonly RunSignals _signals;
        private readonly string _runId;
        private Followed? _followed;

        internal Follower(RunSignals signals, string runId, Followed followed)
        {
            _signals = signals;
            _runId = runId;
            _followed = followed;
        }

        /// <summary>Completes at the run's next change. Take it before reading the run, so no change slips between.</summary>
        public Task Next()
        {
            Followed followed = _followed ?? throw new ObjectDisposedException(nameof(Follower));
            lock (_signals._followed)
            {
                return followed.Next.Task;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _followed, null) is { } followed)
            {
                _signals.Leave(_runId, followed);
            }
        }
    }
}
