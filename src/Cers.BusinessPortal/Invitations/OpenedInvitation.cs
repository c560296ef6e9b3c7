using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Cers.BusinessPortal.Invitations;

/// <summary>
/// The invitation link a browser opened before its user could sign in, kept so the portal's home can offer it again
/// once they have: a person with no CERS account yet leaves the link for the provider's sign-in page, creates and
/// activates an account there, and returns to the portal without it. It is taken from the sign-in the link's page
/// starts (the return address), so the Accept page stays a signed-in page like every other. The token is kept
/// encrypted with the portal's data protection keys, in an HttpOnly cookie of this portal only, for at most an
/// invitation's whole lifetime; it still works for the invited account alone (the API refuses any other), and the
/// home page asks the API what it is, and whom it was sent to, before saying anything about it.
/// </summary>
public sealed class OpenedInvitation(IDataProtectionProvider dataProtection, IHostEnvironment environment)
{
    public const string CookieName = "cers.portal.invitation";

    /// <summary>An invitation's whole lifetime (the API's): kept longer, the cookie could only name an expired one.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>The page an invitation email's link opens.</summary>
    public const string AcceptPath = "/Invitations/Accept";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Cers.BusinessPortal.OpenedInvitation");

    /// <summary>The token's shape the API takes; anything else is no invitation and is not remembered.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? token) => token is { Length: >= 20 and <= 100 } && !string.IsNullOrWhiteSpace(token);

    /// <summary>
    /// Whether the API's preview says a link is done with: settled (accepted, revoked, expired) or no invitation at all.
    /// A preview that failed (the API not answering) says nothing, and the link is kept.
    /// </summary>
    public static bool IsDoneWith(ApiResult<InvitationPreview> preview) =>
        preview.Value is { State: not "pending" } || preview.Problem is { Status: 404 };

    /// <summary>Remembers the token when the sign-in about to start returns to an invitation link's page.</summary>
    public void RememberIfInvitationLink(HttpContext http, string? returnUrl)
    {
        var page = http.Request.PathBase.Value + AcceptPath + "?";
        if (returnUrl is null || !returnUrl.StartsWith(page, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var token = QueryHelpers.ParseQuery(returnUrl[page.Length..]).TryGetValue("token", out var values) ? values.ToString() : null;
        if (IsWellFormed(token))
        {
            http.Response.Cookies.Append(CookieName, _protector.Protect(token), Cookie().Build(http));
        }
    }

    /// <summary>The remembered token, or null when there is none or the cookie is not one this portal wrote.</summary>
    public string? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var kept) || string.IsNullOrEmpty(kept))
        {
            return null;
        }

        try
        {
            var token = _protector.Unprotect(kept);
            return IsWellFormed(token) ? token : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Forgets the remembered invitation, whichever it is (the person set it aside).</summary>
    public void Forget(HttpContext http)
    {
        if (http.Request.Cookies.ContainsKey(CookieName))
        {
            http.Response.Cookies.Delete(CookieName, Cookie().Build(http));
        }
    }

    /// <summary>Forgets the remembered invitation if it is <paramref name="token"/>'s: another link opened, used or
    /// bad says nothing about the one kept for whoever it was sent to.</summary>
    public void Forget(HttpContext http, string? token)
    {
        if (token is not null && Read(http) == token)
        {
            Forget(http);
        }
    }

    private CookieBuilder Cookie() => new()
    {
        Name = CookieName,
        Path = "/",
        HttpOnly = true,
        IsEssential = true,
        SameSite = SameSiteMode.Lax,
        // Development runs on plain HTTP on loopback; everywhere else cookies are Secure only.
        SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always,
        Expiration = Lifetime,
    };
}

public static class OpenedInvitationExtensions
{
    /// <summary>Remembers an invitation link when opening it sends the browser to sign in.</summary>
    public static IServiceCollection AddOpenedInvitations(this IServiceCollection services)
    {
        services.AddSingleton<OpenedInvitation>();
        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).PostConfigure<OpenedInvitation>((oidc, opened) =>
        {
            var before = oidc.Events.OnRedirectToIdentityProvider;
            oidc.Events.OnRedirectToIdentityProvider = async context =>
            {
                await before(context);
                opened.RememberIfInvitationLink(context.HttpContext, context.Properties.RedirectUri);
            };
        });
        return services;
    }
}
