using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Cers.BusinessPortal.Invitations;

/// <summary>
/// The invitation link a browser opened before its user could sign in, kept so the portal's home can offer it again
/// once they have: a person with no CERS account yet leaves the link for the provider's sign-in page, creates and
/// activates an account there, and returns to the portal without it. The token is kept encrypted with the portal's
/// data protection keys, in an HttpOnly cookie of this portal only, no longer than an invitation lasts; it still
/// works for the invited account alone (the API refuses any other), and the home page asks the API what it is before
/// saying anything about it.
/// </summary>
public sealed class OpenedInvitation(IDataProtectionProvider dataProtection, IHostEnvironment environment)
{
    public const string CookieName = "cers.portal.invitation";

    /// <summary>As long as an invitation is valid (the API's lifetime): the cookie does not outlive what it names.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Cers.BusinessPortal.OpenedInvitation");

    /// <summary>The token's shape the Accept page takes; anything else is not remembered.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? token) => !string.IsNullOrWhiteSpace(token) && token.Length <= 100;

    public void Remember(HttpContext http, string? token)
    {
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

    public void Forget(HttpContext http)
    {
        if (http.Request.Cookies.ContainsKey(CookieName))
        {
            http.Response.Cookies.Delete(CookieName, Cookie().Build(http));
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
