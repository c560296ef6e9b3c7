namespace Cers.ServiceDefaults.SharedState;

/// <summary>How many events a fixed window has counted so far, this one included, and when the window ends.</summary>
public readonly record struct WindowCount(long Count, TimeSpan RemainingInWindow);

/// <summary>
/// State that every instance of a service must see alike, so N instances behind a load balancer behave as one:
/// marks that may be set once (a client assertion's <c>jti</c>, a refresh token being redeemed), counters of
/// fixed windows (rate limits), and short-lived values. Redis when <c>Redis:Configuration</c> is set
/// (<see cref="RedisSharedState"/>); this process's memory otherwise, which only Development allows
/// (<see cref="InMemorySharedState"/>). Keys are the caller's; the store prefixes them with the service's name.
/// </summary>
public interface ISharedState
{
    /// <summary>Sets <paramref name="key"/> for <paramref name="lifetime"/>; false when it was set already, by any instance.</summary>
    Task<bool> TryMarkAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts one event under <paramref name="key"/> in its current window: one of length <paramref name="window"/> that
    /// the first event after the previous window's end begins.
    /// </summary>
    Task<WindowCount> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default);

    Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default);

    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task RemoveAsync(string key, CancellationToken cancellationToken = default);
}
