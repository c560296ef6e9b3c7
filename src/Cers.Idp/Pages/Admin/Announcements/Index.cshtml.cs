using Cers.Idp.Accounts;
using Cers.Idp.Announcements;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Announcements;

/// <summary>Every notice, current, scheduled and ended, for CERS admins; adding and changing them is on the edit page.</summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AnnouncementEditor editor, TimeProvider time) : PageModel
{
    /// <summary>TempData key for the line saying what the last change did.</summary>
    public const string StatusKey = "AnnouncementStatus";

    public IReadOnlyList<Announcement> Announcements { get; private set; } = [];

    public DateTime NowUtc { get; private set; }

    [TempData(Key = StatusKey)]
    public string? Status { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        Announcements = await editor.ListAsync(cancellationToken);
    }
}
