using System.Collections.Concurrent;

namespace Cers.ServiceDefaults.SharedState;

/// <summary>
/// <see cref="ISharedState"/> in this process's memory: right for one instance, which only Development is allowed
/// to be without Redis. Expired entries are swept as new ones arrive.
/// </summary>
public sealed class InMemorySharedState(TimeProvider time) : ISharedState
{
    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _writes;

    public Task<bool> TryMarkAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
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
        var entry = _entries.AddOrUpdate(key, _ => new Entry(now + window, null) { Count = 1 },
            (_, existing) => existing.ExpiresAt <= now ? new Entry(now + window, null) { Count = 1 } : existing with { Count = existing.Count + 1 });
        Sweep(now);
        return Task.FromResult(new WindowCount(entry.Count, entry.ExpiresAt - now));
    }

    public Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
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

    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _writes) % SweepEvery != 0)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(DateTimeOffset ExpiresAt, byte[]? Value)
    {
        public long Count { get; init; }
    }
}
