using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;

namespace Cers.Idp.Oidc;

/// <summary>
/// A rotated refresh token is good for one redemption, however many requests present it at once, and a second use is
/// treated as theft that ends the token's chain (RFC 9700 section 4.14.2; the reuse leeway is zero, see
/// <see cref="OidcExtensions"/>).
/// <para>
/// OpenIddict refuses a refresh token already marked redeemed and revokes the chain's tokens. But when several requests
/// validate the token before any of them has marked it, it lets all of them through: its redemption step
/// (<see cref="OpenIddictServerHandlers.RedeemTokenEntry"/>) ignores a lost race for refresh tokens on purpose, treating
/// concurrent requests as the same client within the leeway. <see cref="Redemption"/> takes that step's place: the
/// token row's conditional update (<see cref="IOpenIddictTokenManager.TryRedeemAsync"/>, an update on the concurrency
/// token that was read when the token was found valid) succeeds for one request only, whichever instance serves it, and
/// every other one is refused as a reuse.
/// </para>
/// <para>
/// The chain of a reused token is its authorization's tokens, and the request that won may still be writing its new ones
/// when a reuse is found, so revoking the tokens that exist at that moment can miss them. The authorization is revoked as
/// well (<see cref="Replay"/> for a reuse found at validation, <see cref="Redemption"/> for one found at redemption):
/// OpenIddict refuses every token of a revoked authorization, whenever it was written. Authorizations here are ad hoc,
/// one per sign-in of a user at a client, so nothing but that chain ends, and signing in again starts a new one.
/// </para>
/// </summary>
public static partial class RefreshTokenReuse
{
    /// <summary>Redeems a refresh token for one request only; every other request presenting it is refused as a reuse.</summary>
    public sealed class Redemption(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, ILogger<Redemption> logger)
        : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .AddFilter<RequireDegradedModeDisabled>()
                .AddFilter<RequireTokenStorageEnabled>()
                .UseScopedHandler<Redemption>()
                .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        /// <summary>OpenIddict's own step, still used for what it is right about: codes, device codes, request tokens.</summary>
        private readonly OpenIddictServerHandlers.RedeemTokenEntry _openIddict = new(tokens);

        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType != OpenIddictServerEndpointType.Token
                || context.Request is not { } request || !request.IsRefreshTokenGrantType()
                || context.Options.DisableRollingRefreshTokens)
            {
                await _openIddict.HandleAsync(context);
                return;
            }

            var authentication = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!);
            if (authentication?.RefreshTokenPrincipal is not { } principal
                || principal.GetTokenId() is not { Length: > 0 } tokenId
                || await tokens.FindByIdAsync(tokenId) is not { } token)
            {
                // A token without a row has nothing to redeem, as OpenIddict's own step decides.
                return;
            }

            // The row is the same one OpenIddict found valid during this request, with the concurrency token it had then:
            // the update succeeds only if no other request (at this instance or another) has changed the row since.
            if (await tokens.TryRedeemAsync(token))
            {
                return;
            }

            LogConcurrentReuse(logger, tokenId, principal.GetAuthorizationId());
            await RevokeChainAsync(tokens, authorizations, principal.GetAuthorizationId());
            context.Reject(Errors.InvalidGrant, "The specified refresh token has already been redeemed.");
        }
    }

    /// <summary>
    /// Where OpenIddict finds a refresh token already redeemed and revokes its chain's tokens (just after this), revokes the
    /// chain's authorization too, so the tokens the redeeming request is still writing die with the chain.
    /// </summary>
    public sealed class Replay(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .AddFilter<RequireDegradedModeDisabled>()
                .AddFilter<RequireTokenStorageEnabled>()
                .AddFilter<RequireTokenIdResolved>()
                .UseScopedHandler<Replay>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.RefreshToken)
                || context.TokenId is not { Length: > 0 } tokenId
                || await tokens.FindByIdAsync(tokenId) is not { } token
                || !await tokens.HasStatusAsync(token, Statuses.Redeemed))
            {
                return;
            }

            // The same test OpenIddict applies next: a redeemed token is reusable only within the leeway (none here).
            var redeemedAt = await tokens.GetRedemptionDateAsync(token);
            if (context.Options.RefreshTokenReuseLeeway is { } leeway
                && (redeemedAt is null || context.Options.TimeProvider.GetUtcNow() < redeemedAt + leeway))
            {
                return;
            }

            await RevokeAuthorizationAsync(authorizations, context.AuthorizationId);
        }
    }

    private static async Task RevokeChainAsync(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, string? authorizationId)
    {
        if (string.IsNullOrEmpty(authorizationId))
        {
            return;
        }

        await RevokeAuthorizationAsync(authorizations, authorizationId);
        await tokens.RevokeByAuthorizationIdAsync(authorizationId);
    }

    private static async Task RevokeAuthorizationAsync(IOpenIddictAuthorizationManager authorizations, string? authorizationId)
    {
        // A lost race means the row changed meanwhile, and every change made to an authorization here is a revocation.
        if (!string.IsNullOrEmpty(authorizationId) && await authorizations.FindByIdAsync(authorizationId) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refresh token {TokenId} was presented by concurrent requests and redeemed by another; its chain (authorization {AuthorizationId}) is revoked")]
    private static partial void LogConcurrentReuse(ILogger logger, string tokenId, string? authorizationId);
}
