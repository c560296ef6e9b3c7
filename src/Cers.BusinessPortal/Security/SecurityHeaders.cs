namespace Cers.BusinessPortal.Security;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers on every response, as on the provider's pages: no framing (clickjacking of the decision
    /// forms), no MIME sniffing, no referrer (page URLs name requests and businesses), and a content
    /// policy that runs no script at all: every page works with plain links and forms. Forms may post
    /// only here; sign-in and sign-out leave by redirects, which form-action does not restrict.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}
