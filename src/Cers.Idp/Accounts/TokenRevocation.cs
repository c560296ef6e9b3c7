using Cers.Idp.Audit;
using Cers.Idp.Sessions;
using OpenIddict.Abstractions;

namespace Cers.Idp.Accounts;

/// <summary>
/// Ends everything an account holds: its authorizations and stored tokens (refresh tokens stop
/// working at once; the API's locally validated access tokens run out within their 15 minutes),
/// and its provider sessions (their rows, so each cookie is refused at its next request on any
/// instance; the new security stamp set by the caller ends them too, within a minute).
/// </summary>
public sealed partial class TokenRevocation(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    ProviderSessions sessions,
    AuditLog audit,
    ILogger<TokenRevocation> logger)
{
    /// <param name="keepSessionId">A session to leave running: the one that changed its own password.</param>
    public async Task RevokeAllAsync(CersUser user, string reason, CancellationToken cancellationToken, string? keepSessionId = null)
    {
        var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        var revokedTokens = await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        var endedSessions = await sessions.EndAllAsync(user.Id, reason, cancellationToken, keepSessionId);
        await audit.WriteAsync(AuditKinds.TokensRevoked, user.Id, user.UserName, cancellationToken);
        LogRevoked(logger, user.Id, reason, revokedAuthorizations, revokedTokens, endedSessions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Authorizations} authorizations and {Tokens} tokens and ended {Sessions} sessions of {UserId} ({Reason})")]
    private static partial void LogRevoked(ILogger logger, string userId, string reason, long authorizations, long tokens, int sessions);
}
