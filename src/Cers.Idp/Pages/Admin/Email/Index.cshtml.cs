using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Email;

/// <summary>
/// The provider's email outbox for CERS admins: the backlog, the emails retrying (next attempt, last error) and those
/// set aside for good (why), with "retry now" and "discard" for each, audited with the admin's name. Bodies and links
/// are never shown: the outbox's bodies hold single-use activation and reset links until sent.
/// </summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(
    OutboxOperations<IdpDbContext> operations,
    AuditLog audit,
    UserManager<CersUser> users,
    TimeProvider time) : PageModel
{
    public const string StatusKey = "EmailOperationsStatus";

    public OutboxBacklog Backlog { get; private set; } = new(0, null, 0, 0, 0);

    public OutboxEntryPage Retrying { get; private set; } = new([], 1, OutboxOperations<IdpDbContext>.PageSize, 0);

    public OutboxEntryPage SetAside { get; private set; } = new([], 1, OutboxOperations<IdpDbContext>.PageSize, 0);

    public DateTime NowUtc { get; private set; }

    [TempData(Key = StatusKey)]
    public string? Status { get; set; }

    /// <summary>Page numbers that are not numbers bind as null: the first page.</summary>
    public async Task OnGetAsync([FromQuery(Name = "retrying")] int? retryingPage, [FromQuery(Name = "setAside")] int? setAsidePage,
        CancellationToken cancellationToken)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        Backlog = await operations.BacklogAsync(cancellationToken);
        Retrying = await operations.RetryingAsync(retryingPage ?? 1, cancellationToken);
        SetAside = await operations.SetAsideAsync(setAsidePage ?? 1, cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken)
    {
        var (subject, admin) = Actor();
        var result = await operations.RetryNowAsync(id, admin,
            email => audit.Add(AuditKinds.EmailRetriedNow, subject, admin, OutboxOperationsText.AuditDetail(email, admin)), cancellationToken);
        Status = OutboxOperationsText.RetryOutcome(id, result);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDiscardAsync(long id, CancellationToken cancellationToken)
    {
        var (subject, admin) = Actor();
        var result = await operations.DiscardAsync(id, admin,
            email => audit.Add(AuditKinds.EmailDiscarded, subject, admin, OutboxOperationsText.AuditDetail(email, admin)), cancellationToken);
        Status = OutboxOperationsText.DiscardOutcome(id, result);
        return RedirectToPage();
    }

    private (string? SubjectId, string UserName) Actor() => (users.GetUserId(User), User.Identity!.Name!);
}
