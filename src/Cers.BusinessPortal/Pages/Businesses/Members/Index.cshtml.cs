using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Businesses.Members;

/// <summary>
/// The members of a business. Its Lead Users change a member's role or remove them; each change sends
/// the membership's version as shown, so a change made meanwhile by another Lead User is not overwritten.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public MyBusiness? Business { get; private set; }

    public IReadOnlyList<Member> Members { get; private set; } = [];

    public bool IsLeadUser => Business?.Role == MembershipRoles.LeadUser;

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

    private async Task<IActionResult> AnswerAsync(ApiResult<Member> answer, long membershipId, Func<Member, string> done,
        CancellationToken cancellationToken)
    {
        if (answer.Problem is { } problem)
        {
            var message = problem.Code == "membership_conflict"
                ? "Someone else changed this member while you were looking. Nothing was changed by you; the members as they are now are shown below."
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
        if ((mine.Problem ?? members.Problem) is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }
    }
}
