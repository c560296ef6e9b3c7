using Cers.Email;
using Cers.Idp.Announcements;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Pages;

/// <summary>The current notices of one kind, under that kind's heading.</summary>
public sealed record AnnouncementGroup(AnnouncementKind Kind, IReadOnlyList<Announcement> Items);

/// <summary>CERS Central: the current notices, most severe first, and the way in (sign in, create an account).</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(CurrentAnnouncements announcements, IOptions<EmailOptions> email) : PageModel
{
    public IReadOnlyList<AnnouncementGroup> Groups { get; private set; } = [];

    public string SupportEmail => email.Value.FromAddress;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var current = await announcements.ListAsync(cancellationToken);
        Groups = [.. current.GroupBy(a => a.Kind).Select(group => new AnnouncementGroup(group.Key, [.. group]))];
    }
}
