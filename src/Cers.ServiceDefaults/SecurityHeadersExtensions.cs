using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

public static class SecurityHeadersExtensions
{
    /// <summary>
    /// The headers every CERS response carries: no framing by other sites (clickjacking), no MIME sniffing,
    /// no referrer (URLs name requests, businesses, authorization state), a window of its own, and the
    /// content policy <paramref name="contentSecurityPolicy"/> chooses for the request (each service knows
    /// what its pages may run).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Func<HttpContext, string> contentSecurityPolicy) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = contentSecurityPolicy(context);
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}
