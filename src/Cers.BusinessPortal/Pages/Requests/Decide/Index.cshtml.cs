using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Requests.Decide;

/// <summary>
/// A Lead User or regulator approves a request with a role, or denies it with a reason. Each form
/// sends the request's version as it was shown, so when someone else decided in between the API
/// answers 409 and the page says so instead of overwriting their decision.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    private const string DecisionConflict = "decision_conflict";
    private const string NotPending = "not_pending";

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public string? GrantedRole { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public AccessRequestView? AccessRequest { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        GrantedRole = AccessRequest?.RequestedRole;
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken)
    {
        var approved = await api.ApproveAsync(Id, GrantedRole, Version, cancellationToken);
        return await AnswerAsync(approved, request =>
            $"{request.Requester.Name} now has access to {request.Business.Name} as {MembershipRoles.Label(request.GrantedRole)}.", cancellationToken);
    }

    public async Task<IActionResult> OnPostDenyAsync(CancellationToken cancellationToken)
    {
        var denied = await api.DenyAsync(Id, Reason, Version, cancellationToken);
        return await AnswerAsync(denied, request =>
            $"The request of {request.Requester.Name} for access to {request.Business.Name} is denied; they are told why.", cancellationToken);
    }

    private async Task<IActionResult> AnswerAsync(ApiResult<AccessRequestView> answer, Func<AccessRequestView, string> done,
        CancellationToken cancellationToken)
    {
        if (answer.Problem is { } problem)
        {
            if (problem.Code is DecisionConflict or NotPending)
            {
                ModelState.AddModelError("", "Someone else decided or changed this request while you were looking at it. " +
                    "Nothing was changed by you; the request as it is now is shown below.");
            }
            else
            {
                ModelState.AddProblem(problem, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    ["grantedRole"] = nameof(GrantedRole),
                    ["reason"] = nameof(Reason),
                    ["version"] = "",
                });
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = done(answer.Value!);
        return RedirectToPage("/Index");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var found = await api.GetRequestAsync(Id, cancellationToken);
        if (found.Problem is { Status: not StatusCodes.Status404NotFound } problem)
        {
            ModelState.AddModelError("", problem.Title);
        }

        AccessRequest = found.Value;
        if (AccessRequest is not null)
        {
            // The version as the page shows it now: the one the next decision is made against.
            ModelState.Remove(nameof(Version));
            Version = AccessRequest.Version;
        }
    }
}
