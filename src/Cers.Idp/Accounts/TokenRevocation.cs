using Cers.Idp.Audit;
using OpenIddict.Abstractions;

namespace Cers.Idp.Accounts;

/// <summary>
/// Ends everything an account holds: its authorizations and stored tokens (refresh tokens stop
/// working at once; the API's locally validated access tokens run out within their 15 minutes),
/// and, through a new security stamp set by the caller, its provider sessions.
/// </summary>
public sealed partial class TokenRevocation(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    AuditLog audit,
    ILogger<TokenRevocation> logger)
{
    public async Task RevokeAllAsync(CersUser user, string reason, CancellationToken cancellationToken)
    {
        var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        var revokedTokens = await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        await audit.WriteAsync(AuditKinds.TokensRevoked, user.Id, user.UserName, cancellationToken);
        LogRevoked(logger, user.Id, reason, revokedAuthorizations, revokedTokens);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Authorizations} authorizations and {Tokens} tokens of {UserId} ({Reason})")]
    private static partial void LogRevoked(ILogger logger, string userId, string reason, long authorizations, long tokens);
}
