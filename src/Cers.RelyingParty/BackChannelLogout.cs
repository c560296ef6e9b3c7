using System.Globalization;
using System.Security.Claims;
using System.Text;
using Cers.ServiceDefaults.SharedState;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cers.RelyingParty;

/// <summary>
/// The sessions the provider ended, told by back-channel logout tokens, remembered for every instance of the relying
/// party (<see cref="ISharedState"/>) as long as one of its cookies can live: a named session (<c>sid</c>) ends; an
/// account named alone (<c>sub</c>) ends every session of it whose cookie was issued before the token came (both times
/// on this service's clock, so a sign-in just after it is not caught by the provider's clock running behind). A cookie's session
/// is checked on each request (<see cref="HasEndedAsync"/>), so it ends on the next request though the browser never
/// called. Each token's <c>jti</c> is taken once.
/// </summary>
public sealed partial class BackChannelLogout(
    LogoutTokenValidator validator,
    ISharedState state,
    IOptions<BackChannelLogoutOptions> options,
    TimeProvider time,
    ILogger<BackChannelLogout> logger)
{
    /// <summary>Validates and applies a logout token; the refusal's reason, or null when the session is ended.</summary>
    public async Task<string?> ReceiveAsync(string scheme, string clientId, string? token, TimeSpan remember, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(scheme, token, cancellationToken);
        if (result.Claims is not { } claims)
        {
            LogRefused(logger, clientId, result.Error!);
            return result.Error;
        }

        var settings = options.Value;
        if (!await state.TryMarkAsync(Key(clientId, "jti", claims.TokenId), settings.MaxTokenAge + settings.ClockSkew + settings.ClockSkew,
                cancellationToken))
        {
            LogRefused(logger, clientId, "replayed jti");
            return "The logout token was used before.";
        }

        var receivedAt = Encoding.UTF8.GetBytes(time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        if (claims.SessionId is { } sid)
        {
            await state.SetAsync(Key(clientId, "sid", sid), receivedAt, remember, cancellationToken);
        }
        else
        {
            await state.SetAsync(Key(clientId, "sub", claims.Subject!), receivedAt, remember, cancellationToken);
        }

        LogEnded(logger, clientId, claims.SessionId is null ? "account" : "session");
        return null;
    }

    /// <summary>
    /// Whether the provider ended the session of a cookie signed in at <paramref name="issuedAt"/> for <paramref name="principal"/>
    /// (built from the ID token: <c>sid</c>, <c>sub</c>).
    /// </summary>
    public async Task<bool> HasEndedAsync(string clientId, ClaimsPrincipal principal, DateTimeOffset? issuedAt, CancellationToken cancellationToken)
    {
        if (principal.FindFirst("sid")?.Value is { Length: > 0 } sid && await state.GetAsync(Key(clientId, "sid", sid), cancellationToken) is not null)
        {
            return true;
        }

        if (principal.FindFirst("sub")?.Value is not { Length: > 0 } sub
            || await state.GetAsync(Key(clientId, "sub", sub), cancellationToken) is not { } stored
            || !long.TryParse(Encoding.UTF8.GetString(stored), NumberStyles.None, CultureInfo.InvariantCulture, out var endedAt))
        {
            return false;
        }

        // A cookie without an issue time has nothing to compare: ended, to be safe.
        return issuedAt is not { } issued || issued.ToUnixTimeMilliseconds() <= endedAt;
    }

    private static string Key(string clientId, string kind, string value) => $"backchannel-logout:{clientId}:{kind}:{value}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "A back-channel logout token for {ClientId} was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The provider ended a {What} at {ClientId} by back-channel logout")]
    private static partial void LogEnded(ILogger logger, string clientId, string what);
}
