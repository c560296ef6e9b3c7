using Cers.ServiceDefaults.SharedState;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

/// <summary>
/// Refuses a <c>private_key_jwt</c> client assertion that has been used before (RFC 7523 section 3:
/// "jti"), which OpenIddict itself does not track: a captured assertion would otherwise buy tokens
/// until it expires. Every assertion must therefore carry a <c>jti</c>. Used identifiers are marked in the
/// shared state (<see cref="ISharedState"/>, Redis outside Development) until the assertion's own expiry, so a
/// replay to another instance of the provider is refused as well.
/// </summary>
public sealed class ClientAssertionReplay(ISharedState state, TimeProvider time) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<ClientAssertionReplay>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.ClientAssertionPrincipal is not { } assertion)
        {
            return;
        }

        if (assertion.GetClaim(Claims.JwtId) is not { Length: > 0 } jti)
        {
            context.Reject(Errors.InvalidClient, "The client assertion must carry a 'jti' claim.");
            return;
        }

        // Kept until the assertion expires (OpenIddict has refused expired ones already), and at least a minute.
        var lifetime = (assertion.GetExpirationDate() ?? time.GetUtcNow().AddMinutes(10)) - time.GetUtcNow();
        if (!await state.TryMarkAsync($"client-assertion|{assertion.GetClaim(Claims.Issuer)}|{jti}", lifetime > TimeSpan.FromMinutes(1) ? lifetime : TimeSpan.FromMinutes(1)))
        {
            context.Reject(Errors.InvalidClient, "The client assertion has already been used.");
        }
    }
}
