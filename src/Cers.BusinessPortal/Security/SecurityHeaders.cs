namespace Cers.BusinessPortal.Security;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers on every response, as on the provider's pages: no framing (clickjacking of the decision
    /// forms), no MIME sniffing, no referrer (page URLs name requests and businesses), and a content
    /// policy that runs no script at all: every page works with plain links and forms. Forms post here,
    /// and the redirects that follow a post may lead only to the provider (<paramref name="provider"/>):
    /// Chromium and WebKit hold the redirect after a form post to form-action too, and sign-out (a
    /// post) continues at the provider's end-session endpoint, as does a post whose session has lapsed
    /// (to its authorize endpoint).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Uri? provider)
    {
        var policy = "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
            $"form-action 'self'{(provider is null ? "" : " " + provider.GetLeftPart(UriPartial.Authority))}";
        return app.UseSecurityHeaders(_ => policy);
    }
}
