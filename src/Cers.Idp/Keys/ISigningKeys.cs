using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Keys;

/// <summary>
/// The provider's signing keys as of now, whichever <see cref="KeyMode"/> supplies them: certificates
/// (<see cref="CertificateSet"/>) or the rotating keys in the database (<see cref="AutomaticSigningKeys"/>).
/// </summary>
public interface ISigningKeys
{
    /// <summary>Every key in the JWKS: the one signing, any waiting to sign, and those kept for tokens signed before.</summary>
    IReadOnlyList<SigningCredentials> Published { get; }

    /// <summary>Signs ID tokens, authorization codes and refresh tokens (RS256).</summary>
    SigningCredentials TokenSigning { get; }

    /// <summary>Signs access tokens (ES256 where available).</summary>
    SigningCredentials AccessTokenSigning { get; }
}
