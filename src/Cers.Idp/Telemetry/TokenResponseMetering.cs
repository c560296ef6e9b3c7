using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Telemetry;

/// <summary>Counts each token response that issued tokens (<c>cers.idp.token.responses</c>) by grant type and client.</summary>
public sealed class TokenResponseMetering(IdpMetrics metrics) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<TokenResponseMetering>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error) && context.Response.AccessToken is { Length: > 0 } accessToken
            && context.Request?.GrantType is { Length: > 0 } grantType)
        {
            // A client that authenticated with the Authorization header sent no client_id parameter; the access token
            // this response carries names it (RFC 9068 section 2.2), and it is the provider's own, unencrypted.
            var clientId = context.Request.ClientId is { Length: > 0 } sent ? sent
                : new JsonWebToken(accessToken).TryGetPayloadValue<string>("client_id", out var named) ? named : "unknown";
            metrics.TokenResponse(grantType, clientId);
        }

        return ValueTask.CompletedTask;
    }
}
