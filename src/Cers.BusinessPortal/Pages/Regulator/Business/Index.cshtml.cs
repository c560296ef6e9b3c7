using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Regulator.Business;

/// <summary>
/// Regulator staff: one business of their jurisdiction, its members and roles. They remove a member who left (the last Lead
/// User too), and when the business has no active Lead User they make a member Lead User. Each change sends the membership's
/// version as shown, so a change made meanwhile is not overwritten; the API decides who may (and refuses a regulator's own
/// appointment), and its refusals are shown as the form's messages.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public Caller? Caller { get; private set; }

    /// <summary>The business as the jurisdiction's list shows it; null when it is not in the caller's jurisdiction.</summary>
    public JurisdictionBusiness? Business { get; private set; }

    public IReadOnlyList<Member> Members { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(long membershipId, int version, CancellationToken cancellationToken) =>
        await AnswerAsync(await api.RemoveMemberAsRegulatorAsync(Code, membershipId, version, cancellationToken),
            member => $"{member.Name ?? member.Email} no longer has access to the business.", cancellationToken);

    public async Task<IActionResult> OnPostLeadUserAsync(long membershipId, int version, CancellationToken cancellationToken) =>
        await AnswerAsync(await api.AppointLeadUserAsync(Code, membershipId, version, cancellationToken),
            member => $"{member.Name ?? member.Email} is now the business's Lead User.", cancellationToken);

    private async Task<IActionResult> AnswerAsync(ApiResult<Member> answer, Func<Member, string> done, CancellationToken cancellationToken)
    {
        if (answer.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Code == "membership_conflict"
                ? ProblemMessages.MemberChangedMeanwhile
                : problem.Title);
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = done(answer.Value!);
        return RedirectToPage(new { Code });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var caller = await api.GetCallerAsync(cancellationToken);
        Caller = caller.Value;
        if (Caller?.IsRegulator != true || string.IsNullOrWhiteSpace(Code))
        {
            return;
        }

        // The jurisdiction's list, searched by the code, says whether the business is the caller's and has a Lead User.
        var found = await api.JurisdictionBusinessesAsync(Code, 1, cancellationToken);
        Business = found.Value?.Items.FirstOrDefault(b => b.OrganizationCode == Code);
        var members = Business is null ? null : await api.MembersAsync(Code, cancellationToken);
        Members = members?.Value ?? [];
        if ((caller.Problem ?? found.Problem ?? members?.Problem) is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }
    }
}
