using Cers.Email.Outbox;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Email;

/// <summary>One email the API wrote to the caller: never its body, but what it was for.</summary>
public sealed record EmailHistoryItem(DateTime CreatedAt, DateTime? SentAt, string Subject, string Kind, string Purpose, string To, DeliveryState State);

public sealed record EmailHistoryPage(IReadOnlyList<EmailHistoryItem> Items, int Page, int PageSize, int Total);

/// <summary>
/// The caller's Email History of facility access: every email this API wrote to them (the outbox records
/// whose account each email is for), newest first. The provider lists the emails about the account itself.
/// </summary>
public static class EmailHistoryEndpoints
{
    public static IEndpointRouteBuilder MapEmailHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/emails", ListMyEmails)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithName("ListMyEmails")
            .WithSummary("The emails about facility access written to the caller, newest first, paged, with their delivery state.")
            .WithDescription("Bodies are not returned; purpose says what each email was for. State: Queued, Sent, Retrying, Failed " +
                "(the mail server refused it for good), or Discarded (a CERS admin discarded it unsent). Emails to an agency's contact address are the agency's, not a person's, and " +
                "are not listed. The provider's My Account lists the emails about the account itself.")
            .WithTags("Caller")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<EmailHistoryPage>, ValidationProblem>> ListMyEmails(
        ApiCaller caller, FacilityDbContext db, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var total = await db.EmailOutbox.For(caller.Subject).CountAsync(cancellationToken);
        var emails = await db.EmailOutbox.PageAsync(caller.Subject, (paging.Page - 1) * paging.PageSize, paging.PageSize, cancellationToken);
        return TypedResults.Ok(new EmailHistoryPage(
            [.. emails.Select(e => new EmailHistoryItem(e.CreatedAt, e.SentAt, e.Subject, e.Kind, PurposeOf(e.Kind), e.ToAddress, e.State))],
            paging.Page, paging.PageSize, total));
    }

    /// <summary>What each kind of email was for, in the reader's words.</summary>
    public static string PurposeOf(string kind) => kind switch
    {
        AccessRequestEmails.Kinds.Created => "A new access request to a business you manage, waiting for a decision.",
        AccessRequestEmails.Kinds.Reminder => "A reminder that an access request to a business you manage is still waiting.",
        AccessRequestEmails.Kinds.Escalated => "Notice that your access request passed to your local regulator.",
        AccessRequestEmails.Kinds.Decided => "The decision on your access request.",
        AccessRequestEmails.Kinds.Expired => "Notice that your access request expired undecided.",
        AccessRequestEmails.Kinds.Overridden => "Notice that a regulator decided an access request to a business you manage.",
        AccessRequestEmails.Kinds.LeadUserGranted => "Notice that someone became a Lead User of a business you manage.",
        MembershipEmails.Kind => "Notice of a change to a business's members: your role, or a member you manage.",
        Invitations.InvitationService.EmailKind => "An invitation to join a business in CERS.",
        Invitations.InvitationService.AcceptedEmailKind => "Notice that someone accepted an invitation to a business you manage.",
        Transfers.TransferEmails.Kind => "Notice of a facility transfer: asked for, decided, or made.",
        Transfers.TransferEmails.RequestClosedKind => "Notice that your access request closed because its facility moved to another business.",
        Facilities.FacilityChanges.ArchivedEmailKind => "Notice that your regulator archived a facility of a business you manage.",
        _ => "A notice about your access to a business in CERS.",
    };
}
