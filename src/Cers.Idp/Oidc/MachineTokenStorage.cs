using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

/// <summary>
/// Issues client_credentials access tokens without a row in the token table.
/// <para>
/// Such a token is a signed, self-contained JWT (RFC 9068) that the facility API validates locally;
/// nothing ever looks its row up. It cannot be refreshed, belongs to no user authorization that a
/// password reset would revoke, and lives at most <see cref="OidcOptions.AccessTokenLifetime"/>.
/// Writing a row per token would serialize every issuance behind the database's single writer
/// (SQLite) for no function. The trade-off: such a token cannot be revoked individually; the
/// revocation endpoint answers <c>unsupported_token_type</c> for it (RFC 7009 section 2.2.1), and a
/// compromised regulator client is cut off by removing it from configuration, after which it gets no
/// new tokens and its last ones expire within the access-token lifetime. Tokens issued to users
/// (authorization code, refresh) keep their rows, so refresh rotation, reuse detection and
/// revocation work for them.
/// </para>
/// </summary>
public sealed class MachineTokenStorage : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<MachineTokenStorage>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken
            && context.Request is { } request
            && request.IsClientCredentialsGrantType())
        {
            context.CreateTokenEntry = false;
        }

        return ValueTask.CompletedTask;
    }
}
