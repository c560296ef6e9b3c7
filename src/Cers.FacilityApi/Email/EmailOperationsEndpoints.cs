using System.Globalization;
using Cers.Email.Outbox;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Jobs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Email;

/// <summary>
/// The facility API's email operations page for CERS admins, beside the jobs dashboard and under its sign-in and
/// policy (<see cref="JobsDashboardExtensions"/>): the outbox's backlog, the emails retrying and those set aside, with
/// "retry now" and "discard", each audited with the admin's name. Server-rendered HTML (the API has no Razor pages),
/// its forms carrying the dashboard's anti-forgery token; a post without it changes nothing. The queries and commands
/// are the provider's too (<see cref="OutboxOperations{TContext}"/>).
/// </summary>
public static class EmailOperationsEndpoints
{
    public const string Path = JobsDashboardExtensions.Path + "/email";

    public static IEndpointRouteBuilder MapEmailOperations(this IEndpointRouteBuilder app)
    {
        var page = app.MapGroup(Path)
            .RequireAuthorization(JobsDashboardExtensions.Policy)
            .ExcludeFromDescription();
        page.MapGet("", ShowAsync);
        page.MapGet("/page.css", () => TypedResults.Text(EmailOperationsHtml.Stylesheet, "text/css; charset=utf-8"));
        page.MapPost("/retry", RetryAsync);
        page.MapPost("/discard", DiscardAsync);
        return app;
    }

    public static async Task<ContentHttpResult> ShowAsync(HttpContext context, OutboxOperations<FacilityDbContext> operations,
        IAntiforgery antiforgery, TimeProvider time, string? retrying, string? setAside, string? done, string? id, string? outcome,
        CancellationToken cancellationToken)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Headers.CacheControl = "no-store";
        var view = new EmailOperationsView(
            time.GetUtcNow().UtcDateTime,
            await operations.BacklogAsync(cancellationToken),
            await operations.RetryingAsync(PageNumber(retrying), cancellationToken),
            await operations.SetAsideAsync(PageNumber(setAside), cancellationToken),
            Status(done, id, outcome),
            tokens.FormFieldName,
            tokens.RequestToken!);
        return TypedResults.Content(EmailOperationsHtml.Render(view), "text/html; charset=utf-8");
    }

    public static Task<Results<RedirectHttpResult, BadRequest<string>>> RetryAsync(HttpContext context, IAntiforgery antiforgery,
        OutboxOperations<FacilityDbContext> operations, FacilityDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(context, antiforgery, "retry", AuditKinds.EmailRetriedNow,
            (id, admin, audit) => operations.RetryNowAsync(id, admin, audit, cancellationToken), db, time);

    public static Task<Results<RedirectHttpResult, BadRequest<string>>> DiscardAsync(HttpContext context, IAntiforgery antiforgery,
        OutboxOperations<FacilityDbContext> operations, FacilityDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(context, antiforgery, "discard", AuditKinds.EmailDiscarded,
            (id, admin, audit) => operations.DiscardAsync(id, admin, audit, cancellationToken), db, time);

    /// <summary>
    /// Anti-forgery first (the admin's cookie rides along on a cross-site post; the token does not), then the command,
    /// whose audit row joins its transaction; back to the page with the outcome (post/redirect/get).
    /// </summary>
    private static async Task<Results<RedirectHttpResult, BadRequest<string>>> ChangeAsync(HttpContext context, IAntiforgery antiforgery,
        string action, string auditKind, Func<long, string, Action<OutboxEntry>, Task<OutboxActionResult>> change, FacilityDbContext db,
        TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest("The form had expired or did not come from this page. Open the email operations page again.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!long.TryParse(form["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return TypedResults.BadRequest("Choose an email on the email operations page.");
        }

        var subject = context.User.FindFirst("sub")?.Value;
        var admin = AdminName(context);
        var result = await change(id, admin, email => db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = time.GetUtcNow().UtcDateTime,
            Kind = auditKind,
            ActorSubject = subject,
            ActorName = admin,
            Detail = OutboxOperationsText.AuditDetail(email, admin),
        }));
        return TypedResults.Redirect($"{Path}?done={action}&id={id.ToString(CultureInfo.InvariantCulture)}&outcome={result.Outcome}");
    }

    /// <summary>The admin's username as the provider knows it (what its own audit records), else their name.</summary>
    private static string AdminName(HttpContext context)
    {
        var name = context.User.FindFirst("preferred_username")?.Value ?? context.User.Identity?.Name ?? "unknown admin";
        return name.Length <= FacilityDbContext.NameMaxLength ? name : name[..FacilityDbContext.NameMaxLength];
    }

    private static int PageNumber(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page > 0 ? page : 1;

    /// <summary>The outcome named in the query, worded by the page itself: nothing from the query is shown as given.</summary>
    private static string? Status(string? done, string? id, string? outcome)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var emailId)
            || !Enum.TryParse<OutboxActionOutcome>(outcome, ignoreCase: false, out var result) || !Enum.IsDefined(result))
        {
            return null;
        }

        var shown = new OutboxActionResult(result, null);
        return done switch
        {
            "retry" => OutboxOperationsText.RetryOutcome(emailId, shown),
            "discard" => OutboxOperationsText.DiscardOutcome(emailId, shown),
            _ => null,
        };
    }
}
