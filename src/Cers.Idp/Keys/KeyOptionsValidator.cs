using Cers.Idp.Oidc;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Keys;

/// <summary>
/// Checks the automatic key schedule against itself and against the token lifetimes, so a schedule that would publish a
/// key too late, or drop one while tokens it signed are still valid, stops the provider at start naming the setting.
/// </summary>
public sealed class KeyOptionsValidator(IOptions<OidcOptions> oidc) : IValidateOptions<KeyOptions>
{
    /// <summary>The ID token's lifetime, fixed in <see cref="OidcExtensions"/>.</summary>
    public static readonly TimeSpan IdentityTokenLifetime = TimeSpan.FromMinutes(5);

    private const string Section = "Keys:Automatic";

    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        var failures = Check(options, oidc.Value);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The longest a token the provider signs stays valid: what a retired key must outlast.</summary>
    public static TimeSpan LongestTokenLifetime(OidcOptions oidc) =>
        new[] { oidc.AccessTokenLifetime, oidc.AuthorizationCodeLifetime, oidc.RefreshTokenLifetime, IdentityTokenLifetime }.Max();

    /// <summary>The retention in force: the configured one, or the longest token lifetime plus a day.</summary>
    public static TimeSpan Retention(AutomaticKeyOptions automatic, OidcOptions oidc) =>
        automatic.Retention ?? LongestTokenLifetime(oidc) + TimeSpan.FromDays(1);

    public static List<string> Check(KeyOptions options, OidcOptions oidc)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"Keys:Mode must be {nameof(KeyMode.Certificates)} or {nameof(KeyMode.Automatic)}.");
        }

        if (options.Mode != KeyMode.Automatic)
        {
            return failures;
        }

        var automatic = options.Automatic;
        foreach (var (setting, value) in new[]
                 {
                     ("Propagation", automatic.Propagation), ("Lifetime", automatic.Lifetime),
                     ("RefreshInterval", automatic.RefreshInterval), ("JwksMaxAge", automatic.JwksMaxAge),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{Section}:{setting} must be longer than zero.");
            }
        }

        if (failures.Count > 0)
        {
            return failures;
        }

        if (automatic.Propagation >= automatic.Lifetime)
        {
            // Otherwise a key would be due to be replaced before it had been published long enough to sign.
            failures.Add($"{Section}:Propagation ({automatic.Propagation}) must be shorter than {Section}:Lifetime ({automatic.Lifetime}).");
        }

        if (automatic.JwksMaxAge + automatic.RefreshInterval >= automatic.Propagation)
        {
            // A key made at one instance is served by another after at most RefreshInterval, and a relying party then
            // holds the older JWKS for at most JwksMaxAge: both must pass before the key signs.
            failures.Add($"{Section}:JwksMaxAge ({automatic.JwksMaxAge}) plus {Section}:RefreshInterval ({automatic.RefreshInterval}) " +
                $"must be shorter than {Section}:Propagation ({automatic.Propagation}).");
        }

        var longest = LongestTokenLifetime(oidc);
        if (automatic.Retention is { } retention && retention <= longest)
        {
            failures.Add($"{Section}:Retention ({retention}) must be longer than the longest token lifetime ({longest}, " +
                "Oidc:RefreshTokenLifetime or Oidc:AccessTokenLifetime): a key must stay published while any token it signed is valid.");
        }

        return failures;
    }
}
