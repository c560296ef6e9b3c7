using System.Security.Cryptography;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.MyAccount;
using Cers.Idp.Sessions.Logout;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Cers.Idp.Sessions;

/// <summary>A session as its owner sees it on My Account's Sessions page.</summary>
public sealed record SessionSummary(string Id, string Browser, string? IpAddress, DateTime StartedAt, DateTime LastSeenAt, IReadOnlyList<string> ClientIds);

/// <summary>
/// The provider's server-side sessions (<see cref="ProviderSession"/>): started with the session cookie, checked on
/// every request that carries it, linked to the authorizations issued in them, listed, and ended. The database row is
/// the truth every instance reads, so a session ended at one instance is refused at the next request to any other.
/// </summary>
public sealed partial class ProviderSessions(
    IdpDbContext db,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    BackChannelLogoutClients logoutClients,
    IOptions<SessionLifetimeOptions> options,
    IOptions<MyAccountOptions> pages,
    AuditLog audit,
    TimeProvider time,
    ILogger<ProviderSessions> logger)
{
    /// <summary>
    /// How stale <see cref="ProviderSession.LastSeenAt"/> may get before a request writes it again: one write a minute
    /// per active session instead of one per request. The idle timeout is judged to within this.
    /// </summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The session a new session cookie belongs to. A sign-in by the person already signed in on this browser (a step-up,
    /// an enrolment, a renewal after a password change) continues their session, keeping its id, so the relying parties'
    /// tokens issued in it stay valid; its absolute lifetime counts again from <paramref name="authenticatedAt"/>. Anyone
    /// else gets a new session, and the other person's session on this browser ends.
    /// </summary>
    public async Task<string> StartOrContinueAsync(string userId, string? currentUserId, string? currentSessionId,
        DateTimeOffset authenticatedAt, string? ipAddress, string? userAgent, CancellationToken cancellationToken)
    {
        var now = Now;
        var lifetime = options.Value;
        if (currentSessionId is not null && currentUserId == userId)
        {
            var idleSince = now - lifetime.IdleTimeout;
            var expiresAt = (authenticatedAt.UtcDateTime + lifetime.AbsoluteLifetime) is var fresh && fresh > now ? fresh : now;
            var continued = await db.ProviderSessions
                .Where(s => s.Id == currentSessionId && s.UserId == userId && s.ExpiresAt > now && s.LastSeenAt > idleSince)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.LastSeenAt, now)
                    .SetProperty(x => x.ExpiresAt, x => x.ExpiresAt > expiresAt ? x.ExpiresAt : expiresAt)
                    .SetProperty(x => x.IpAddress, ipAddress), cancellationToken);
            if (continued == 1)
            {
                return currentSessionId;
            }
        }
        else if (currentSessionId is not null && currentUserId is not null)
        {
            await EndAsync(currentUserId, currentSessionId, "another account signed in on the same browser", cancellationToken);
        }

        var session = new ProviderSession
        {
            Id = NewId(),
            UserId = userId,
            StartedAt = now,
            LastSeenAt = now,
            ExpiresAt = authenticatedAt.UtcDateTime + lifetime.AbsoluteLifetime,
            IpAddress = ipAddress,
            Browser = BrowserDescription.Describe(userAgent),
        };
        db.ProviderSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        LogStarted(logger, userId, session.Id);
        return session.Id;
    }

    /// <summary>
    /// Whether <paramref name="sessionId"/> is a live session of <paramref name="userId"/>. A session found past its idle
    /// timeout or absolute lifetime is ended there and then. Its last-seen time (and, from the browser, its address) is
    /// written at most once per <see cref="LastSeenResolution"/>, by a conditional update so instances racing write once.
    /// </summary>
    public async Task<bool> IsActiveAsync(string? sessionId, string? userId, string? ipAddress, bool fromBrowser, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 64 || string.IsNullOrEmpty(userId))
        {
            return false;
        }

        var session = await db.ProviderSessions.AsNoTracking()
            .Where(s => s.Id == sessionId)
            .Select(s => new { s.UserId, s.LastSeenAt, s.ExpiresAt, s.IpAddress })
            .SingleOrDefaultAsync(cancellationToken);
        if (session is null || session.UserId != userId)
        {
            return false;
        }

        var now = Now;
        if (now >= session.ExpiresAt || now - session.LastSeenAt > options.Value.IdleTimeout)
        {
            await EndAsync(userId, sessionId, "expired", cancellationToken, audited: false);
            return false;
        }

        if (now - session.LastSeenAt >= LastSeenResolution)
        {
            var seen = session.LastSeenAt;
            var address = fromBrowser ? ipAddress : session.IpAddress;
            await db.ProviderSessions
                .Where(s => s.Id == sessionId && s.LastSeenAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.IpAddress, address), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Records that <paramref name="authorizationId"/> was issued to <paramref name="clientId"/> in the session; false
    /// when the session ended meanwhile (its row is gone), and then nothing must be issued.
    /// </summary>
    public async Task<bool> LinkAsync(string sessionId, string authorizationId, string clientId, CancellationToken cancellationToken)
    {
        if (!await db.ProviderSessions.AnyAsync(s => s.Id == sessionId, cancellationToken))
        {
            return false;
        }

        var link = new SessionAuthorization { SessionId = sessionId, AuthorizationId = authorizationId, ClientId = clientId, CreatedAt = Now };
        db.SessionAuthorizations.Add(link);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The session was deleted between the check and the insert (its foreign key refuses the link).
            db.Entry(link).State = EntityState.Detached;
            return false;
        }
    }

    /// <summary>The account's live sessions, most recently used first, a page at a time.</summary>
    public async Task<HistoryPage<SessionSummary>> PageAsync(string userId, int page, CancellationToken cancellationToken)
    {
        var size = pages.Value.PageSize;
        page = Math.Clamp(page, 1, 10_000);
        var now = Now;
        var idleSince = now - options.Value.IdleTimeout;
        var rows = await db.ProviderSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .OrderByDescending(s => s.LastSeenAt).ThenBy(s => s.Id)
            .Skip((page - 1) * size)
            .Take(size + 1)
            .Select(s => new { s.Id, s.Browser, s.IpAddress, s.StartedAt, s.LastSeenAt, Clients = s.Authorizations.Select(a => a.ClientId).ToList() })
            .ToListAsync(cancellationToken);
        return new HistoryPage<SessionSummary>(
            [.. rows.Take(size).Select(s => new SessionSummary(s.Id, s.Browser, s.IpAddress, s.StartedAt, s.LastSeenAt,
                [.. s.Clients.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))],
            page,
            rows.Count > size);
    }

    /// <summary>How many live sessions the account has.</summary>
    public Task<int> CountAsync(string userId, CancellationToken cancellationToken)
    {
        var now = Now;
        var idleSince = now - options.Value.IdleTimeout;
        return db.ProviderSessions.CountAsync(s => s.UserId == userId && s.ExpiresAt > now && s.LastSeenAt > idleSince, cancellationToken);
    }

    /// <summary>
    /// Ends one session of <paramref name="userId"/>: the authorizations and tokens issued in it are revoked, its row
    /// deleted, so its cookie is refused at the next request, and each relying party that took part in it is owed a
    /// back-channel logout, all in one transaction. False when the account has no such session: a session id of someone
    /// else's account is answered exactly like one that does not exist.
    /// </summary>
    public async Task<bool> EndAsync(string userId, string sessionId, string reason, CancellationToken cancellationToken, bool audited = true)
    {
        var ended = await db.InTransactionAsync(async ct =>
        {
            var ended = await EndOneAsync(userId, sessionId, ct);
            if (ended)
            {
                if (audited)
                {
                    audit.Add(AuditKinds.SessionEnded, userId, null, reason);
                }

                await db.SaveChangesAsync(ct);
            }

            return ended;
        }, cancellationToken);
        if (ended)
        {
            LogEnded(logger, userId, sessionId, reason);
        }

        return ended;
    }

    /// <summary>
    /// Ends every session of the account but <paramref name="exceptSessionId"/>, as <see cref="EndAsync"/> does each;
    /// the number ended. Joins the caller's transaction when there is one.
    /// </summary>
    public async Task<int> EndAllAsync(string userId, string reason, CancellationToken cancellationToken, string? exceptSessionId = null)
    {
        var ended = await db.InTransactionAsync(async ct =>
        {
            var ids = await db.ProviderSessions.AsNoTracking()
                .Where(s => s.UserId == userId && s.Id != exceptSessionId)
                .Select(s => s.Id)
                .ToListAsync(ct);
            var ended = 0;
            foreach (var id in ids)
            {
                ended += await EndOneAsync(userId, id, ct) ? 1 : 0;
            }

            await db.SaveChangesAsync(ct);
            return ended;
        }, cancellationToken);
        if (ended > 0)
        {
            LogAllEnded(logger, userId, ended, reason);
        }

        return ended;
    }

    /// <summary>
    /// Ends up to <paramref name="batchSize"/> sessions past their idle timeout or absolute lifetime (their cookies are
    /// refused already; this revokes their refresh tokens and clears the rows); the number ended.
    /// </summary>
    public async Task<int> EndExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = Now;
        var idleSince = now - options.Value.IdleTimeout;
        var expired = await db.ProviderSessions.AsNoTracking()
            .Where(s => s.ExpiresAt <= now || s.LastSeenAt <= idleSince)
            .OrderBy(s => s.LastSeenAt)
            .Take(batchSize)
            .Select(s => new { s.Id, s.UserId })
            .ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var session in expired)
        {
            ended += await EndAsync(session.UserId, session.Id, "expired", cancellationToken, audited: false) ? 1 : 0;
        }

        return ended;
    }

    /// <summary>
    /// Inside a transaction: deletes the session's row if it is still there (a conditional delete, so of two callers
    /// ending it at once only one goes on), revokes what was issued in it, and adds the back-channel logouts it owes,
    /// to be saved by the caller. False when it was gone already.
    /// </summary>
    private async Task<bool> EndOneAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        var links = await db.SessionAuthorizations.AsNoTracking()
            .Where(a => a.SessionId == sessionId && a.Session!.UserId == userId)
            .Select(a => new { a.AuthorizationId, a.ClientId })
            .ToListAsync(cancellationToken);
        await db.SessionAuthorizations.Where(a => a.SessionId == sessionId && a.Session!.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (await db.ProviderSessions.Where(s => s.Id == sessionId && s.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        foreach (var id in links.Select(l => l.AuthorizationId).Distinct(StringComparer.Ordinal))
        {
            if (await authorizations.FindByIdAsync(id, cancellationToken) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, cancellationToken);
            }

            await tokens.RevokeByAuthorizationIdAsync(id, cancellationToken);
        }

        var now = Now;
        foreach (var clientId in links.Select(l => l.ClientId).Distinct(StringComparer.Ordinal).Where(c => logoutClients.UriOf(c) is not null))
        {
            db.LogoutNotifications.Add(new LogoutNotification
            {
                ClientId = clientId,
                UserId = userId,
                SessionId = sessionId,
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }

        return true;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>128 random bits, URL-safe: a session id is a bearer of nothing, but it must not be guessable.</summary>
    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of {UserId} started")]
    private static partial void LogStarted(ILogger logger, string userId, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of {UserId} ended ({Reason})")]
    private static partial void LogEnded(ILogger logger, string userId, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} sessions of {UserId} ended ({Reason})")]
    private static partial void LogAllEnded(ILogger logger, string userId, int count, string reason);
}
