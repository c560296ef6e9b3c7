namespace Cers.Idp.Keys;

/// <summary>
/// One automatically made signing key (<see cref="KeyMode.Automatic"/>). Its schedule is three instants: published
/// from <see cref="CreatedAt"/>, signing from <see cref="ActivatesAt"/> until the next key of its
/// <see cref="Algorithm"/> activates, then published for the retention time more (see <see cref="SigningKeySchedule"/>);
/// or gone at once from <see cref="RetiredAt"/>. The private key is stored only encrypted with Data Protection.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The key id (<c>kid</c>) tokens and the JWKS name it by.</summary>
    public required string Id { get; set; }

    /// <summary><c>RS256</c> (ID tokens, codes, refresh tokens) or <c>ES256</c> (access tokens).</summary>
    public required string Algorithm { get; set; }

    /// <summary>UTC; when it was made, and so first published.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC; when it starts signing.</summary>
    public DateTime ActivatesAt { get; set; }

    /// <summary>UTC; when an operator retired it: from then it neither signs nor is published.</summary>
    public DateTime? RetiredAt { get; set; }

    /// <summary>The private key (PKCS#8), encrypted with Data Protection under <see cref="SigningKeyProtection.Purpose"/>.</summary>
    public required string ProtectedPrivateKey { get; set; }
}
