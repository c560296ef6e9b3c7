using Cers.Idp.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Sessions.Logout;

/// <summary>
/// Delivers the back-channel logouts ended sessions owe (<see cref="LogoutNotification"/>), at least once. A run claims
/// a batch of due ones by moving their next attempt forward by a lease with a conditional update (so two runs, on one
/// server or two, never claim the same one), POSTs a freshly signed logout token to each relying party, several at
/// once, and records each as delivered on a 2xx answer, or pushes it back with a doubling delay until
/// <see cref="LogoutDeliveryOptions.GiveUpAfter"/>. Redirects are not followed. A relying party told twice (a crash
/// between its answer and the record) ends nothing twice: the token names a session that is already over.
/// </summary>
public sealed partial class BackChannelLogoutJob(
    IdpDbContext db,
    BackChannelLogoutClients clients,
    LogoutTokenWriter tokens,
    LogoutPoster poster,
    BackChannelLogoutSignal signal,
    IOptions<LogoutDeliveryOptions> options,
    TimeProvider time,
    ILogger<BackChannelLogoutJob> logger)
{
    private const int BatchSize = 50;
    private const int MaxBatchesPerRun = 20;
    private const int Concurrency = 8;

    private LogoutDeliveryOptions Settings => options.Value;

    /// <summary>A batch's POSTs run <see cref="Concurrency"/> at a time, each within the timeout: the claim outlasts them all.</summary>
    private TimeSpan ClaimLease => Settings.Timeout * (BatchSize / Concurrency + 1) + TimeSpan.FromMinutes(1);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        signal.RunStarted();
        var delivered = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var (claimed, claim) = await ClaimAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                break;
            }

            var outcomes = new Outcome[claimed.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (i, ct) => outcomes[i] = await PostAsync(claimed[i], ct));

            for (var i = 0; i < claimed.Count; i++)
            {
                delivered += await RecordAsync(claimed[i], claim, outcomes[i]) ? 1 : 0;
            }
        }

        await PurgeAsync(cancellationToken);
        await ScheduleNextRetryAsync(cancellationToken);
        return delivered;
    }

    private async Task<(List<LogoutNotification> Claimed, Guid Claim)> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var due = await db.LogoutNotifications
            .Where(n => n.DeliveredAt == null && n.AbandonedAt == null && n.NextAttemptAt <= now)
            .OrderBy(n => n.NextAttemptAt).ThenBy(n => n.Id)
            .Select(n => n.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return ([], Guid.Empty);
        }

        var claim = Guid.NewGuid();
        var leaseEnd = now + ClaimLease;
        await db.LogoutNotifications
            .Where(n => due.Contains(n.Id) && n.DeliveredAt == null && n.AbandonedAt == null && n.NextAttemptAt <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ClaimToken, claim).SetProperty(n => n.NextAttemptAt, leaseEnd), cancellationToken);
        var claimed = await db.LogoutNotifications.AsNoTracking()
            .Where(n => n.ClaimToken == claim && n.DeliveredAt == null && n.AbandonedAt == null)
            .OrderBy(n => n.Id)
            .ToListAsync(cancellationToken);
        return (claimed, claim);
    }

    private async Task<Outcome> PostAsync(LogoutNotification notification, CancellationToken cancellationToken)
    {
        if (clients.UriOf(notification.ClientId) is not { } uri)
        {
            return Outcome.GiveUp("the client has no back-channel logout URI any more");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.Timeout);
        try
        {
            using var response = await poster.PostAsync(uri, tokens.Write(notification.ClientId, notification.UserId, notification.SessionId), timeout.Token);
            return response.IsSuccessStatusCode
                ? Outcome.Delivered
                : Outcome.Failed($"the relying party answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome.Failed($"no answer within {Settings.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return Outcome.Failed(ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : $"{ex.HttpRequestError}: {ex.Message}");
        }
    }

    /// <summary>Writes the outcome if the claim is still this run's; true when it was a delivery.</summary>
    private async Task<bool> RecordAsync(LogoutNotification notification, Guid claim, Outcome outcome)
    {
        var now = Now;
        var error = outcome.Error is { Length: > 500 } text ? text[..500] : outcome.Error;
        var mine = db.LogoutNotifications.Where(n => n.Id == notification.Id && n.ClaimToken == claim && n.DeliveredAt == null);
        var attempts = notification.Attempts + 1;
        if (outcome.IsDelivered)
        {
            var written = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(n => n.DeliveredAt, now)
                .SetProperty(n => n.Attempts, attempts)
                .SetProperty(n => n.ClaimToken, (Guid?)null)
                .SetProperty(n => n.LastError, (string?)null), CancellationToken.None);
            if (written == 1)
            {
                LogDelivered(logger, notification.ClientId, notification.SessionId, attempts);
            }

            return written == 1;
        }

        if (outcome.Abandon || now - notification.CreatedAt >= Settings.GiveUpAfter)
        {
            if (await mine.ExecuteUpdateAsync(set => set
                .SetProperty(n => n.AbandonedAt, now)
                .SetProperty(n => n.Attempts, attempts)
                .SetProperty(n => n.ClaimToken, (Guid?)null)
                .SetProperty(n => n.LastError, error), CancellationToken.None) == 1)
            {
                LogAbandoned(logger, notification.ClientId, notification.SessionId, attempts, error);
            }

            return false;
        }

        var next = now + RetryDelay(attempts);
        if (await mine.ExecuteUpdateAsync(set => set
            .SetProperty(n => n.NextAttemptAt, next)
            .SetProperty(n => n.Attempts, attempts)
            .SetProperty(n => n.ClaimToken, (Guid?)null)
            .SetProperty(n => n.LastError, error), CancellationToken.None) == 1)
        {
            LogFailed(logger, notification.ClientId, notification.SessionId, attempts, error, next);
        }

        return false;
    }

    /// <summary>The first retry delay, doubled for each attempt after the first, capped.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var delay = Settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < Settings.MaxRetryDelay ? delay : Settings.MaxRetryDelay;
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var before = Now - Settings.Retention;
        await db.LogoutNotifications
            .Where(n => (n.DeliveredAt != null && n.DeliveredAt < before) || (n.AbandonedAt != null && n.AbandonedAt < before))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Asks for a run when the earliest pending logout falls due, so a retry is not left to the recurring run.</summary>
    private async Task ScheduleNextRetryAsync(CancellationToken cancellationToken)
    {
        var next = await db.LogoutNotifications
            .Where(n => n.DeliveredAt == null && n.AbandonedAt == null)
            .OrderBy(n => n.NextAttemptAt)
            .Select(n => (DateTime?)n.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (next is { } due)
        {
            signal.RetryAt(due);
        }
    }

    private readonly record struct Outcome(bool IsDelivered, bool Abandon, string? Error)
    {
        public static Outcome Delivered => new(true, false, null);

        public static Outcome Failed(string error) => new(false, false, error);

        public static Outcome GiveUp(string error) => new(false, true, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Back-channel logout of session {SessionId} delivered to {ClientId} (attempt {Attempts})")]
    private static partial void LogDelivered(ILogger logger, string clientId, string sessionId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Back-channel logout of session {SessionId} to {ClientId} failed (attempt {Attempts}): {Error}; next attempt at {NextAttemptAt:u}")]
    private static partial void LogFailed(ILogger logger, string clientId, string sessionId, int attempts, string? error, DateTime nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Back-channel logout of session {SessionId} to {ClientId} given up after {Attempts} attempts: {Error}")]
    private static partial void LogAbandoned(ILogger logger, string clientId, string sessionId, int attempts, string? error);
}
