using StackExchange.Redis;

namespace Cers.ServiceDefaults.SharedState;

/// <summary>
/// <see cref="ISharedState"/> on Redis. A mark is <c>SET NX PX</c>; a window's counter is one key that its first
/// count creates with the window as its expiry (<c>INCR</c> and <c>PEXPIRE</c> in one script, so a counter never
/// outlives its window), and every instance counts into the same number: an allowance is not multiplied by the
/// number of instances.
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
        Database.StringSetAsync(prefix + key, 1, lifetime, When.NotExists);

    public async Task<WindowCount> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(CountScript, [prefix + key], [(long)window.TotalMilliseconds]))!;
        return new WindowCount((long)result[0], TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1])));
    }

    public Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Database.StringSetAsync(prefix + key, value, lifetime);

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (byte[]?)await Database.StringGetAsync(prefix + key);

    public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => Database.KeyDeleteAsync(prefix + key);
}
