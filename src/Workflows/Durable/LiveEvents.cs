using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Workflows.Durable;

/// <summary>
/// What steps running in this process write with <c>ctx.WriteLive</c>, handed to whoever follows their
/// run here at that moment, and never stored: a model's answer as it is written, say. A follower that
/// falls more than <see cref="Capacity"/> events behind loses the oldest, never blocks a step. Costs one
/// volatile read per event when nobody follows.
/// </summary>
internal sealed class LiveEvents
{
    public const int Capacity = 1024;

    private readonly Dictionary<string, List<Channel<StoredEvent>>> _followers = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Whether anyone in this process follows the run now.</summary>
    public bool IsFollowed(string runId)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return false;
        }

        lock (_followers)
        {
            return _followers.ContainsKey(runId);
        }
    }

    public void Publish(StoredEvent ev)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        lock (_followers)
        {
            if (_followers.TryGetValue(ev.RunId, out List<Channel<StoredEvent>>? channels))
            {
                foreach (Channel<StoredEvent> channel in channels)
                {
                    channel.Writer.TryWrite(ev);
                }
            }
        }
    }

    public async IAsyncEnumerable<StoredEvent> FollowAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Channel<StoredEvent> channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_followers)
        {
            if (!_followers.TryGetValue(runId, out List<Channel<StoredEvent>>? channels))
            {
                _followers.Add(runId, channels = []);
            }

            channels.Add(channel);
            _count++;
        }

        try
        {
            await foreach (StoredEvent ev in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ev;
            }
        }
        finally
        {
            lock (_followers)
            {
                List<Channel<StoredEvent>> channels = _followers[runId];
                channels.Remove(channel);
                if (channels.Count == 0)
                {
                    _followers.Remove(runId);
                }

                _count--;
            }
        }
    }
}
