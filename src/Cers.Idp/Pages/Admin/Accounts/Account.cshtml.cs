using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.MyAccount;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Pages.Admin.Accounts;

/// <summary>
/// One account as the help desk sees it: its state, its audit trail (with details and addresses, which the person's own
/// Security activity page leaves out) and its Email History, and every action on it, each audited with the admin's name.
/// The help desk acts on other people's accounts only: an admin's own account is changed on My Account, and its roles and
/// state by another admin, so no admin makes themselves regulator staff of an agency or lifts their own lock.
/// </summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class AccountModel(
    AccountAdministration administration,
    EmailHistory emailHistory,
    IdpDbContext db,
    UserManager<CersUser> users,
    IOptions<MyAccountOptions> options)
    : PageModel
{
    public const int MaxPage = 10_000;

    /// <summary>The account's id (<c>sub</c>); anything longer than an id is no account.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    /// <summary>Pages of the audit trail and of Email History; out-of-range or malformed numbers show the first page.</summary>
    [BindProperty(SupportsGet = true, Name = "events")]
    public int EventsPage { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "emails")]
    public int EmailsPage { get; set; } = 1;

    public AccountActions? Actions { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public HistoryPage<AuditEvent> Events { get; private set; } = new([], 1, false);

    public HistoryPage<EmailHistoryEntry> Emails { get; private set; } = new([], 1, false);

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!WellFormedId() || await administration.FindAsync(Id!, cancellationToken) is not { } account)
        {
            return NotFound();
        }

        EventsPage = EventsPage is >= 1 and <= MaxPage ? EventsPage : 1;
        EmailsPage = EmailsPage is >= 1 and <= MaxPage ? EmailsPage : 1;

        var (roles, agency) = await administration.RolesOfAsync(account);
        Roles = roles;
        Actions = new AccountActions(account, agency, await administration.SessionCountAsync(account.Id, cancellationToken), administration.LockedUntil(account),
            IsCaller: IsCaller(account));

        var size = options.Value.PageSize;
        var events = await db.AuditEvents.AsNoTracking()
            .Where(a => a.SubjectId == account.Id)
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Skip((EventsPage - 1) * size)
            .Take(size + 1)
            .ToListAsync(cancellationToken);
        Events = new HistoryPage<AuditEvent>([.. events.Take(size)], EventsPage, events.Count > size);
        Emails = await emailHistory.PageAsync(account.Id, EmailsPage, cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.DisableAsync(Id!, admin, cancellationToken)
            ? "The account is disabled, signed out everywhere, and its tokens are revoked."
            : "Only an active account can be disabled.", cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.EnableAsync(Id!, admin, cancellationToken)
            ? "The account is enabled again."
            : "Only a disabled account can be enabled.", cancellationToken);

    public Task<IActionResult> OnPostEndSessionsAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.EndSessionsAsync(Id!, admin, cancellationToken) is { } count
            ? $"{count} sessions of the account are ended and the tokens issued in them revoked."
            : "No such account.", cancellationToken);

    public Task<IActionResult> OnPostResetFactorsAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.ResetSignInFactorsAsync(Id!, admin, cancellationToken)
            ? "The account's sign-in factors are removed, it is signed out everywhere, its tokens are revoked, and its owner is emailed."
            : "Only an active or disabled account has sign-in factors to reset.", cancellationToken);

    public Task<IActionResult> OnPostUnlockAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.UnlockAsync(Id!, admin, cancellationToken)
            ? "The account is unlocked: its next sign-in with the right password succeeds."
            : "The account is not locked.", cancellationToken);

    public Task<IActionResult> OnPostResendActivationAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.ResendActivationAsync(Id!, admin, cancellationToken) switch
        {
            AdminResendOutcome.Sent => "A new activation link is on its way (see Email History below); the older link no longer works.",
            AdminResendOutcome.WindowPassed => "The account's activation window has passed: the person registers again.",
            AdminResendOutcome.DailyCapReached => $"That address already got {Activation.AccountActivation.DailyCap} activation emails in the last 24 hours; try again tomorrow, or check the address with the person.",
            AdminResendOutcome.ChangedMeanwhile => "The account changed meanwhile (activated, or sent a link); look at it again.",
            _ => "Only an account waiting for activation can be sent its link again.",
        }, cancellationToken);

    public Task<IActionResult> OnPostMakeRegulatorAsync(string? agencyCode, CancellationToken cancellationToken)
    {
        var code = agencyCode?.Trim().ToUpperInvariant() ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(code, "^[A-Z0-9-]{2,20}$"))
        {
            ModelState.AddModelError(string.Empty, "Enter the agency code: 2 to 20 capital letters, digits and hyphens, e.g. SAC-EMD.");
            return ActAsync(_ => Task.FromResult<string?>(null), cancellationToken);
        }

        return ActAsync(async admin => await administration.MakeRegulatorAsync(Id!, code, admin, cancellationToken)
            ? $"The account is now regulator staff of {code}. Its next sign-in or token refresh carries the role."
            : "Only an active account can be made regulator staff.", cancellationToken);
    }

    public Task<IActionResult> OnPostRemoveRegulatorAsync(CancellationToken cancellationToken) =>
        ActAsync(async admin => await administration.RemoveRegulatorAsync(Id!, admin, cancellationToken)
            ? "The regulator role is removed. Its next sign-in or token refresh no longer carries it."
            : "The account has no regulator role.", cancellationToken);

    /// <summary>
    /// Runs an action for a well-formed account id other than the admin's own, then shows the account as it now is, with
    /// the action's outcome (or why it was refused: the forms are not offered on one's own account, so only a forged post
    /// gets here).
    /// </summary>
    private async Task<IActionResult> ActAsync(Func<string, Task<string?>> action, CancellationToken cancellationToken)
    {
        if (!WellFormedId())
        {
            return NotFound();
        }

        // The stored id, not the one posted: a database that compares ids without regard to case (SQL Server's default
        // collation) finds the admin's own account under an upper-case copy of its id too.
        var own = await administration.FindAsync(Id!, cancellationToken) is { } account && IsCaller(account);
        Message = own ? AccountActions.OwnAccount : await action(User.Identity!.Name!);
        return await OnGetAsync(cancellationToken);
    }

    private bool WellFormedId() => Id is { Length: > 0 and <= 64 };

    private bool IsCaller(CersUser account) => account.Id == users.GetUserId(User);
}

/// <summary>
/// What the action forms need to know of an account, on its page and in search results; <paramref name="IsCaller"/> when it
/// is the signed-in admin's own, which gets no actions.
/// </summary>
public sealed record AccountActions(CersUser Account, string? AgencyCode, int Sessions, DateTimeOffset? LockedUntil, bool IsCaller)
{
    public const string OwnAccount = "This is your own account: change it on My Account, and ask another CERS admin to change its roles or state.";
}
