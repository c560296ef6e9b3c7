using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

/// <summary>The <c>BusinessPortal</c> section: where the Business Portal is, so CERS Central can lead into it.</summary>
public sealed class BusinessPortalOptions
{
    public const string SectionName = "BusinessPortal";

    /// <summary>The portal's address, e.g. https://portal.cers.example.gov/. Unset or empty: the buttons open the provider's own sign-in.</summary>
    public string? Url { get; set; }

    public bool IsValid => string.IsNullOrEmpty(Url)
        || (Uri.TryCreate(Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp));
}

/// <summary>
/// Where every "Business Portal Sign In" button goes: the portal itself, whose pages require a
/// signed-in user and so send the visitor through this provider's sign-in and back into the portal;
/// without a configured portal, this provider's own sign-in page.
/// </summary>
public sealed class BusinessPortalLink(IOptions<BusinessPortalOptions> options)
{
    public const string ProviderSignInPath = "/Account/Login";

    public string SignInUrl => options.Value.Url is { Length: > 0 } portal ? portal : ProviderSignInPath;

    /// <summary>The portal's Email History (the facility API's emails to the person), when the portal is configured.</summary>
    public string? EmailHistoryUrl => options.Value.Url is { Length: > 0 } portal ? $"{portal.TrimEnd('/')}/Emails" : null;
}
