namespace Cers.Idp.SignIn;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers on every response: no framing (clickjacking of the sign-in page), no MIME sniffing,
    /// no referrer (authorization URLs carry state and codes), and a content policy that runs no
    /// script at all, since the hosted pages work without JavaScript.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}
