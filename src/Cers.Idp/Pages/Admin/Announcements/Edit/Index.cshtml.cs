using Cers.Idp.Accounts;
using Cers.Idp.Announcements;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Announcements.Edit;

/// <summary>Add a notice (no id) or change or delete one (<c>?id=12</c>). Anti-forgery is checked on every POST.</summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AnnouncementEditor editor, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public DateTime NowUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        if (Id is null)
        {
            Input = InputModel.ForNew(NowUtc);
            return Page();
        }

        var announcement = await editor.FindAsync(Id.Value, cancellationToken);
        if (announcement is null)
        {
            return NotFound();
        }

        Input = InputModel.From(announcement);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        ExplainUnreadable("Input.Kind", Input.Kind, "Choose one of the kinds listed.");
        ExplainUnreadable("Input.StartsAt", Input.StartsAt, "Enter the start as a date and time in UTC, like 2026-12-01 16:00.");
        ExplainUnreadable("Input.EndsAt", Input.EndsAt, "Enter the end as a date and time in UTC, like 2026-12-01 16:00.");
        if (Input.StartsAt is { } startsAt && Input.EndsAt is { } endsAt && endsAt <= startsAt)
        {
            ModelState.AddModelError("Input.EndsAt", "The end must be after the start.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Id is null)
        {
            await editor.CreateAsync(Input.ToDraft(), User, cancellationToken);
            Report($"Announcement \"{Input.Title.Trim()}\" added.");
            return RedirectToPage("/Admin/Announcements/Index");
        }

        if (!await editor.UpdateAsync(Id.Value, Input.ToDraft(), User, cancellationToken))
        {
            return NotFound();
        }

        Report($"Announcement \"{Input.Title.Trim()}\" saved.");
        return RedirectToPage("/Admin/Announcements/Index");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (Id is null || !await editor.DeleteAsync(Id.Value, User, cancellationToken))
        {
            return NotFound();
        }

        Report("Announcement deleted.");
        return RedirectToPage("/Admin/Announcements/Index");
    }

    /// <summary>
    /// Replaces model binding's generic "the value 'x' is not valid" for a value that was typed but
    /// could not be read (an unknown kind, an impossible date) with a message saying what to enter.
    /// </summary>
    private void ExplainUnreadable(string key, object? bound, string message)
    {
        if (bound is null && ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 && !string.IsNullOrEmpty(entry.AttemptedValue))
        {
            entry.Errors.Clear();
            entry.Errors.Add(message);
        }
    }

    /// <summary>Shown once on the list the admin is sent back to.</summary>
    private void Report(string status) => TempData[Announcements.IndexModel.StatusKey] = status;
}
