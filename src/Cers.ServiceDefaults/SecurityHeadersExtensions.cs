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
            // Chosen for the path as the request arrives (a dashboard moves its prefix into PathBase later on), and
            // written as the response starts, so an answer whose headers were cleared on the way (the exception
            // handler clears them before writing a 500) still carries them.
            var policy = contentSecurityPolicy(context);
            context.Response.OnStarting(static state =>
            {
                var (response, policy) = ((HttpResponse, string))state;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = policy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            }, (context.Response, policy));
            return next(context);
        });
}
