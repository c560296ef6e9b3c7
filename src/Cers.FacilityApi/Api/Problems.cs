using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Api;

/// <summary>
/// The API's problem answers (RFC 7807), one way each: a 400 with field errors, and the 403, 409 and 429 answers
/// whose <c>code</c> extension is the stable name clients branch on.
/// </summary>
public static class Problems
{
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.");

    public static ProblemHttpResult Conflict(string code, string title) => Coded(StatusCodes.Status409Conflict, code, title);

    public static ProblemHttpResult Forbidden(string code, string title) => Coded(StatusCodes.Status403Forbidden, code, title);

    /// <summary>429 with <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, string code, string title, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter =
            ((int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Coded(StatusCodes.Status429TooManyRequests, code, title);
    }

    /// <summary>A problem with a <c>code</c> and further members of its own (the CERS IDs at a duplicate address, say).</summary>
    public static ProblemHttpResult Coded(int status, string code, string title, IEnumerable<KeyValuePair<string, object?>>? more = null)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code };
        foreach (var (key, value) in more ?? [])
        {
            extensions[key] = value;
        }

        return TypedResults.Problem(title: title, statusCode: status, extensions: extensions);
    }
}
