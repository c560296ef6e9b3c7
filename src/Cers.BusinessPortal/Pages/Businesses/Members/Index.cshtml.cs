using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Businesses.Members;

/// <summary>
/// The members of a business. Its Lead Users change a member's role or remove them; each change sends
/// the membership's version as shown, so a change made meanwhile by another Lead User is not overwritten.
/// They also add a person by email (an invitation the person accepts from the emailed link) and revoke pending invitations.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public MyBusiness? Business { get; private set; }

    public IReadOnlyList<Member> Members { get; private set; } = [];

    public IReadOnlyList<Invitation> Invitations { get; private set; } = [];

    public const string InviteEmailField = "invite-email";

    public const string InviteRoleField = "invite-role";

    public bool IsLeadUser => Business?.Role == MembershipRoles.LeadUser;

    /// <summary>
    /// The business's Lead Users, and its regulators: those who see its members without being one. (The API decides; this
    /// only spares the business's other members a link to a page they may not see.)
    /// </summary>
    public bool MaySeeHistory => IsLeadUser || (Business is null && Members.Count > 0);

    public static string RoleField(long membershipId) => "role-" + membershipId.ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(long membershipId, int version, CancellationToken cancellationToken)
    {
        var role = Request.Form[RoleField(membershipId)].ToString();
        var changed = await api.ChangeRoleAsync(Code, membershipId, role, version, cancellationToken);
        return await AnswerAsync(changed, membershipId,
            member => $"{member.Name ?? member.Email} is now {MembershipRoles.Label(member.Role)}.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveAsync(long membershipId, int version, CancellationToken cancellationToken)
    {
        var removed = await api.RemoveMemberAsync(Code, membershipId, version, cancellationToken);
        return await AnswerAsync(removed, membershipId,
            member => $"{member.Name ?? member.Email} no longer has access to the business.", cancellationToken);
    }

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        var email = Request.Form[InviteEmailField].ToString();
        var invited = await api.InviteAsync(Code, email, Request.Form[InviteRoleField].ToString(), cancellationToken);
        if (invited.Problem is { } problem)
        {
            // The API's field names, and this form's fields that show their messages.
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["email"] = InviteEmailField, ["role"] = InviteRoleField };
            var fieldErrors = problem.Errors.Where(e => fields.ContainsKey(e.Key))
                .SelectMany(e => e.Value.Select(message => (Field: fields[e.Key], Message: message))).ToList();
            if (fieldErrors.Count > 0)
            {
                fieldErrors.ForEach(e => ModelState.AddModelError(e.Field, e.Message));
            }
            else
            {
                ModelState.AddModelError(problem.Code is "already_member" or "invitation_pending" ? InviteEmailField : "", problem.Title);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = $"An invitation is on its way to {invited.Value!.Email}. It can be accepted until {invited.Value.ExpiresAt:yyyy-MM-dd} (UTC).";
        return RedirectToPage(new { Code });
    }

    public async Task<IActionResult> OnPostRevokeInvitationAsync(long invitationId, CancellationToken cancellationToken)
    {
        var revoked = await api.RevokeInvitationAsync(Code, invitationId, cancellationToken);
        if (revoked.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = "The invitation is revoked: its link no longer works.";
        return RedirectToPage(new { Code });
    }

    private async Task<IActionResult> AnswerAsync(ApiResult<Member> answer, long membershipId, Func<Member, string> done,
        CancellationToken cancellationToken)
    {
        if (answer.Problem is { } problem)
        {
            var message = problem.Code == "membership_conflict"
                ? ProblemMessages.MemberChangedMeanwhile
                : problem.Title;
            var fieldMessages = problem.Errors.Where(e => e.Key == "role").SelectMany(e => e.Value).ToList();
            if (fieldMessages.Count > 0)
            {
                fieldMessages.ForEach(m => ModelState.AddModelError(RoleField(membershipId), m));
            }
            else
            {
                ModelState.AddModelError(problem.Code == "last_lead_user" ? RoleField(membershipId) : "", message);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = done(answer.Value!);
        return RedirectToPage(new { Code });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var mine = await api.MyBusinessesAsync(cancellationToken);
        Business = mine.Value?.FirstOrDefault(b => b.OrganizationCode == Code);
        var members = await api.MembersAsync(Code, cancellationToken);
        Members = members.Value ?? [];
        if (IsLeadUser)
        {
            Invitations = (await api.InvitationsAsync(Code, cancellationToken)).Value ?? [];
        }

        if ((mine.Problem ?? members.Problem) is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }
    }
}
