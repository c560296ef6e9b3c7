using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.Hosting;

public static class RequestBodyExtensions
{
    /// <summary>
    /// UTF-8, and ASCII, which is part of it: what every CERS form, page and API reads. Exactly these tokens:
    /// the readers look the raw value up again, and a quoted one ("utf-8") or an alias they do not know fails there.
    /// </summary>
    private static readonly string[] SupportedCharsets = ["utf-8", "us-ascii"];

    /// <summary>
    /// Refuses with 415 Unsupported Media Type a body the service cannot read as declared: a Content-Type
    /// that does not parse, a charset other than UTF-8 (UTF-7 is refused by .NET and ended in a 500, which
    /// a security review found), or a media type the endpoint does not accept (its <c>Accepts</c> metadata).
    /// The answer is written by <paramref name="refuse"/> when given (the provider's OAuth error), else as
    /// problem details where the service has them, else left to the status code pages.
    /// </summary>
    public static IApplicationBuilder UseSupportedRequestBodies(this IApplicationBuilder app, Func<HttpContext, string, Task>? refuse = null) =>
        app.Use(async (context, next) =>
        {
            if (Refusal(context) is not { } reason)
            {
                await next(context);
                return;
            }

            // The body is refused, not read: the error page that a status code page runs for this request
            // (the same request, again) must not try to read it either.
            context.Request.Headers.ContentType = default;
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            if (refuse is not null)
            {
                await refuse(context, reason);
            }
            else if (context.RequestServices.GetService<IProblemDetailsService>() is { } problems)
            {
                await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status415UnsupportedMediaType, Title = "The body is not in a form this service reads.", Detail = reason },
                });
            }
        });

    private static string? Refusal(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return "The Content-Type header cannot be read.";
        }

        // A charset parameter, even an empty one, must name UTF-8: the readers would otherwise look the name up and fail.
        var charset = media.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase));
        if (charset is not null && !SupportedCharsets.Contains(charset.Value.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            return "Only UTF-8 bodies are read; send the body as UTF-8 (charset=utf-8) or name no charset.";
        }

        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>();
        if (accepts is { ContentTypes.Count: > 0 }
            && !accepts.ContentTypes.Any(accepted => MediaTypeHeaderValue.TryParse(accepted, out var allowed) && media.IsSubsetOf(allowed)))
        {
            return $"The body must be {string.Join(" or ", accepts.ContentTypes)}.";
        }

        return null;
    }
}
