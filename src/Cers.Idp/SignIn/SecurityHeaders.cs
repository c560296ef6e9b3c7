namespace Cers.Idp.SignIn;

public static class SecurityHeaders
{
    /// <summary>SHA-256 of <c>document.form.submit();</c>, the script of OpenIddict's form_post page.</summary>
    public const string FormPostScriptHash = "sha256-j7OoGArf6XW6YY4cAyS3riSSvrJRqpSi1fOF9vQ5SrI=";

    /// <summary>
    /// Headers on every response: no framing (clickjacking of the sign-in page), no MIME sniffing,
    /// no referrer (authorization URLs carry state and codes), and a content policy that runs no
    /// script but one: the hosted pages work without JavaScript, and the only inline script allowed,
    /// by its hash, is the one line with which OpenIddict's <c>response_mode=form_post</c> page posts
    /// the authorization response to the client (OAuth 2.0 Form Post Response Mode); its
    /// <c>noscript</c> button still works without it.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.UseSecurityHeaders(static context =>
        {
            // The Hangfire dashboard (CERS admins only) runs its own scripts, served from /jobs; the passkey pages run
            // /js/passkeys.js, the browser's WebAuthn prompt having no form to post instead.
            var path = context.Request.Path;
            var scripts = path.StartsWithSegments(Jobs.JobsExtensions.DashboardPath, StringComparison.OrdinalIgnoreCase)
                || Passkeys.PasskeyPages.RunScript(path)
                ? "'self'"
                : $"'{FormPostScriptHash}'";
            return $"default-src 'self'; script-src {scripts}; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        });
}
