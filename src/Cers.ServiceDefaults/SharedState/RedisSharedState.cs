using StackExchange.Redis;

namespace Cers.ServiceDefaults.SharedState;

/// <summary>
/// <see cref="ISharedState"/> on Redis. A mark is <c>SET NX PX</c>; a window's counter is one key that its first
/// count creates with the window as its expiry (<c>INCR</c> and <c>PEXPIRE</c> in one script, so a counter never
/// outlives its window), and every instance counts into the same number: an allowance is not multiplied by the
/// number of instances. When Redis does not answer, every call throws <see cref="SharedStateUnavailableException"/>:
/// what depends on it (a limit, a replay check) fails closed, and the service answers 503, never 500.
/// </summary>
public sealed class RedisSharedState(IConnectionMultiplexer redis, string prefix) : ISharedState
{
    private const string CountScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { count, redis.call('PTTL', KEYS[1]) }
        """;

    private IDatabase Database => redis.GetDatabase();

    public Task<bool> TryMarkAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Guarded(() => Database.StringSetAsync(prefix + key, 1, lifetime, When.NotExists));

    public Task<WindowCount> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default) =>
        Guarded(async () =>
        {
            var result = (RedisResult[])(await Database.ScriptEvaluateAsync(CountScript, [prefix + key], [(long)window.TotalMilliseconds]))!;
            return new WindowCount((long)result[0], TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1])));
        });

    public Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Guarded(() => Database.StringSetAsync(prefix + key, value, lifetime));

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Guarded(async () => (byte[]?)await Database.StringGetAsync(prefix + key));

    public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => Guarded(() => Database.KeyDeleteAsync(prefix + key));

    private static async Task<T> Guarded<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new SharedStateUnavailableException(e);
        }
    }
}

/// <summary>The shared state (Redis) did not answer; the request cannot be checked, so it is not served.</summary>
public sealed class SharedStateUnavailableException(Exception inner) : Exception("The shared state (Redis) did not answer.", inner);
