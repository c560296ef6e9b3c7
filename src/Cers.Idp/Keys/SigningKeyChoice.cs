using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Keys;

/// <summary>
/// Applies the choice of signing key per token type (<see cref="ISigningKeys"/>: access tokens ES256 when available,
/// everything else RS256) to the tokens OpenIddict generates, replacing OpenIddict's one-key-for-all choice just after
/// it is made. In <see cref="KeyMode.Automatic"/> mode the choice is made per token, so a key takes over at its time.
/// </summary>
public sealed class SigningKeyChoice(ISigningKeys keys) : IOpenIddictServerHandler<GenerateTokenContext>
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
            ? keys.AccessTokenSigning
            : keys.TokenSigning;
        return ValueTask.CompletedTask;
    }
}
