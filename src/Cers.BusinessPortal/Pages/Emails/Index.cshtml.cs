using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Emails;

/// <summary>
/// Email History of facility access: what the facility API wrote to the signed-in person (requests, decisions,
/// member changes), newest first, with each email's delivery state. The provider's My Account lists the emails
/// about the account itself; each page links to the other.
/// </summary>
public sealed class IndexModel(FacilityApiClient api, IConfiguration configuration) : PageModel
{
    public EmailHistoryPage? Emails { get; private set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The provider's Email History, when the provider is configured (it always is outside tests of the page alone).</summary>
    public string? AccountEmailsUrl => configuration["Oidc:Authority"] is { Length: > 0 } provider
        ? $"{provider.TrimEnd('/')}/Account/Manage/EmailHistory"
        : null;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var emails = await api.MyEmailsAsync(Math.Clamp(PageNumber, 1, 1000), cancellationToken);
        if (emails.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
        }

        Emails = emails.Value;
    }
}
