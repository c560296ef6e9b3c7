using System.Collections.Concurrent;

namespace Cers.ServiceDefaults.SharedState;

/// <summary>
/// <see cref="ISharedState"/> in this process's memory: right for one instance, which only Development is allowed
/// to be without Redis. Expired entries are swept as new ones arrive. Its keys come from requests (a rate limit per
/// username tried, per client address), so the entries are bounded: with <paramref name="maxEntries"/> live ones a new
/// key is refused as when Redis does not answer (<see cref="SharedStateUnavailableException"/>: a 503, nothing done),
/// never by forgetting a counter or a mark, which would let a rate limit or a replay through. The count is taken at
/// each sweep, so it may run past the bound by one sweep's worth of writes.
/// </summary>
/// <param name="maxEntries">100,000 by default: some 20 MB, far more than one developer's machine uses.</param>
public sealed class InMemorySharedState(TimeProvider time, int maxEntries = InMemorySharedState.DefaultMaxEntries) : ISharedState
{
    public const int DefaultMaxEntries = 100_000;

    /// <summary>While full, expired entries are looked for at most this often (a sweep reads every entry).</summary>
    private static readonly TimeSpan RecheckWhenFull = TimeSpan.FromSeconds(1);

    private readonly int _sweepEvery = Math.Clamp(maxEntries, 1, 1024);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _writes;
    private volatile bool _full;
    private long _recheckAtTicks;

    public Task<bool> TryMarkAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        EnsureRoomFor(key, now);
        var fresh = new Entry(now + lifetime, null);
        var marked = false;
        _entries.AddOrUpdate(key, _ =>
        {
            marked = true;
            return fresh;
        }, (_, existing) =>
        {
            marked = existing.ExpiresAt <= now;
            return marked ? fresh : existing;
        });
        Sweep(now);
        return Task.FromResult(marked);
    }

    public Task<WindowCount> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        EnsureRoomFor(key, now);
        var entry = _entries.AddOrUpdate(key, _ => new Entry(now + window, null) { Count = 1 },
            (_, existing) => existing.ExpiresAt <= now ? new Entry(now + window, null) { Count = 1 } : existing with { Count = existing.Count + 1 });
        Sweep(now);
        return Task.FromResult(new WindowCount(entry.Count, entry.ExpiresAt - now));
    }

    public Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        EnsureRoomFor(key, now);
        _entries[key] = new Entry(now + lifetime, value);
        Sweep(now);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Value : null);

    public Task RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>A key already held can always be written; a new one only while there is room.</summary>
    private void EnsureRoomFor(string key, DateTimeOffset now)
    {
        if (!_full || _entries.ContainsKey(key))
        {
            return;
        }

        var recheckAt = Interlocked.Read(ref _recheckAtTicks);
        if (now.UtcTicks >= recheckAt && Interlocked.CompareExchange(ref _recheckAtTicks, (now + RecheckWhenFull).UtcTicks, recheckAt) == recheckAt)
        {
            SweepExpired(now);
        }

        if (_full)
        {
            throw new SharedStateUnavailableException(new InvalidOperationException(
                $"The in-memory shared state holds its most, {maxEntries} live entries; Redis (Redis:Configuration) holds more."));
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _writes) % _sweepEvery == 0)
        {
            SweepExpired(now);
        }
    }

    private void SweepExpired(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        _full = _entries.Count >= maxEntries;
    }

    private sealed record Entry(DateTimeOffset ExpiresAt, byte[]? Value)
    {
        public long Count { get; init; }
    }
}
