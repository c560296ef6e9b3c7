using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Keys;

/// <summary>
/// What the keys of one algorithm do at a given instant, from their rows alone, so every instance reading the same rows
/// at the same time agrees, and a key takes over at its activation time whether or not anyone looked at the table then.
/// </summary>
public static class SigningKeySchedule
{
    /// <summary>The algorithms the provider keeps keys for: RS256 for ID tokens and its own tokens (which every OpenID
    /// Connect relying party must accept), ES256 for access tokens (cheaper to sign on the busiest path).</summary>
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>The key that signs at <paramref name="now"/>: of the keys not retired, the one activated last.</summary>
    public static SigningKey? Signer(IEnumerable<SigningKey> family, DateTime now) =>
        family.Where(k => k.RetiredAt is null && k.ActivatesAt <= now).MaxBy(k => k.ActivatesAt);

    /// <summary>When <paramref name="key"/> stopped signing (its successor activated), or null while it still signs or waits to.</summary>
    public static DateTime? StoppedSigningAt(SigningKey key, IReadOnlyCollection<SigningKey> family, DateTime now) =>
        family.Where(k => k.RetiredAt is null && k.ActivatesAt > key.ActivatesAt && k.ActivatesAt <= now)
            .Select(k => (DateTime?)k.ActivatesAt)
            .Min();

    /// <summary>Whether <paramref name="key"/> is in the JWKS at <paramref name="now"/>.</summary>
    public static bool IsPublished(SigningKey key, IReadOnlyCollection<SigningKey> family, DateTime now, TimeSpan retention) =>
        key.RetiredAt is null && key.CreatedAt <= now
        && (StoppedSigningAt(key, family, now) is not { } stopped || stopped + retention > now);

    /// <summary>
    /// When a key to be made now should start signing, or null when none is needed: at once when nothing signs (the first
    /// start, or every key retired); else, once the signing key is within <see cref="AutomaticKeyOptions.Propagation"/> of
    /// the end of its lifetime and has no successor yet, a successor that takes over a propagation time from now: at that
    /// end when noticed on time, a little after it when noticed late (the current key signs a little longer instead of
    /// handing over to a key relying parties may not have seen).
    /// </summary>
    public static DateTime? NextActivation(IReadOnlyCollection<SigningKey> family, DateTime now, AutomaticKeyOptions options)
    {
        var signer = Signer(family, now);
        if (signer is null)
        {
            return now;
        }

        if (family.Any(k => k.RetiredAt is null && k.ActivatesAt > signer.ActivatesAt))
        {
            return null;
        }

        return now < signer.ActivatesAt + options.Lifetime - options.Propagation ? null : now + options.Propagation;
    }

    /// <summary>What the admin page and the command show for a key.</summary>
    public static string StateOf(SigningKey key, IReadOnlyCollection<SigningKey> family, DateTime now, TimeSpan retention) =>
        key.RetiredAt is not null ? "retired"
        : key.ActivatesAt > now ? "published, waiting to sign"
        : ReferenceEquals(Signer(family, now), key) ? "signing"
        : IsPublished(key, family, now, retention) ? "published for tokens it signed"
        : "expired";
}
