using System.ComponentModel.DataAnnotations;

namespace Cers.BusinessPortal.SignIn;

/// <summary>How the portal signs users in at the CERS identity provider (configuration section <c>Oidc</c>).</summary>
public sealed class PortalOidcOptions : IValidatableObject
{
    public const string SectionName = "Oidc";

    /// <summary>The provider's issuer, e.g. https://cers-idp.example.gov/.</summary>
    public Uri? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From configuration only (user secrets, environment, a vault); never in source outside Development's settings file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The access token is renewed with the refresh token when it has less than this left.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every check in one place, so a start that fails names every missing key at once.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("Oidc:ClientId is required: the portal's client id at the provider (cers-business-portal).",
                [nameof(ClientId)]);
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return new ValidationResult("Oidc:ClientSecret is required: the portal's client secret at the provider.", [nameof(ClientSecret)]);
        }

        if (Authority is not { IsAbsoluteUri: true } || (Authority.Scheme != Uri.UriSchemeHttps && Authority.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Oidc:Authority must be the absolute URL of the CERS identity provider, e.g. https://cers-idp.example.gov/.",
                [nameof(Authority)]);
        }

        if (RefreshBeforeExpiry < TimeSpan.Zero)
        {
            yield return new ValidationResult("Oidc:RefreshBeforeExpiry must not be negative.", [nameof(RefreshBeforeExpiry)]);
        }
    }
}
