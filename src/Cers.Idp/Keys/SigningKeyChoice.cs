using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Keys;

/// <summary>
/// Applies <see cref="CertificateSet"/>'s choice of signing key per token type to the tokens
/// OpenIddict generates (access tokens ES256 when available, everything else RS256), replacing
/// OpenIddict's one-key-for-all choice just after it is made.
/// </summary>
public sealed class SigningKeyChoice(CertificateSet certificates) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<SigningKeyChoice>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        context.SigningCredentials = context.TokenType == TokenTypeIdentifiers.AccessToken
            ? certificates.AccessTokenSigning
            : certificates.TokenSigning;
        return ValueTask.CompletedTask;
    }
}
