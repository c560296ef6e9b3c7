namespace Cers.FacilityApi.Security;

public static class SecurityHeaders
{
    /// <summary>
    /// The API answers JSON, which no page may frame or run: its content policy allows nothing. The
    /// browsable API reference (Scalar, Development only) runs its bundled scripts and inline start-up
    /// script and fetches the OpenAPI document from here; the jobs dashboard runs its own scripts from /jobs.
    /// Neither may be framed by another site.
    /// </summary>
    public static IApplicationBuilder UseApiSecurityHeaders(this IApplicationBuilder app) =>
        app.UseSecurityHeaders(static context =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments(ApiDocumentation.ApiDocumentationExtensions.BrowserPath, StringComparison.OrdinalIgnoreCase))
            {
                return "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                    "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
            }

            if (path.StartsWithSegments(Jobs.JobsDashboardExtensions.Path, StringComparison.OrdinalIgnoreCase))
            {
                return "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
            }

            return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        });
}
