using System.Collections.Concurrent;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

/// <summary>
/// Refuses a <c>private_key_jwt</c> client assertion that has been used before (RFC 7523 section 3:
/// "jti"), which OpenIddict itself does not track: a captured assertion would otherwise buy tokens
/// until it expires. Every assertion must therefore carry a <c>jti</c>. Used identifiers are kept in
/// this process until the assertion's own expiry; behind several instances a replay to another
/// instance within that window (a few minutes) is not caught until the store is shared.
/// </summary>
public sealed class ClientAssertionReplay(TimeProvider time) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<ClientAssertionReplay>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.ClientAssertionPrincipal is not { } assertion)
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow();
        if (assertion.GetClaim(Claims.JwtId) is not { Length: > 0 } jti)
        {
            context.Reject(Errors.InvalidClient, "The client assertion must carry a 'jti' claim.");
            return ValueTask.CompletedTask;
        }

        var expires = assertion.GetExpirationDate() ?? now.AddMinutes(10);
        if (!_used.TryAdd($"{assertion.GetClaim(Claims.Issuer)}\n{jti}", expires))
        {
            context.Reject(Errors.InvalidClient, "The client assertion has already been used.");
            return ValueTask.CompletedTask;
        }

        if (_used.Count > 10_000)
        {
            foreach (var (key, expiry) in _used)
            {
                if (expiry < now)
                {
                    _used.TryRemove(key, out _);
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}
